import { Inject, Injectable } from '@nestjs/common';
import { EventPublisher, GatewayEvent, StoreUnavailableError, Subject } from '@gateway/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { headers as natsHeaders } from 'nats';
import type { Counter } from 'prom-client';
import { NatsConnectionManager } from './nats-connection.manager';
import { NATS_OPTIONS } from './nats.module-definition';
import { NATS_PUBLISH_TOTAL } from './nats.metrics';
import type { NatsModuleOptions } from './nats.options';
import { PublishBuffer } from './publish-buffer';

/** Publishes events and waits for JetStream's acknowledgement, bounded by the publish timeout. */
@Injectable()
export class JetStreamPublisher extends EventPublisher {
  constructor(
    private readonly connection: NatsConnectionManager,
    @Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions,
    @InjectMetric(NATS_PUBLISH_TOTAL) private readonly published: Counter<'subject' | 'status'>,
    private readonly buffer: PublishBuffer,
  ) {
    super();
  }

  async publish(
    subject: Subject,
    msgId: string,
    event: GatewayEvent,
    corrId: string,
  ): Promise<{ duplicate: boolean }> {
    const js = this.connection.jetStream();
    const h = natsHeaders();
    h.set('X-Correlation-Id', corrId);
    h.set('X-Source', event.source);
    h.set('X-Schema', event.schema);
    try {
      const ack = await this.buffer.hold(() =>
        js.publish(subject, JSON.stringify(event), {
          msgID: msgId,
          headers: h,
          timeout: this.options.publishTimeoutMs,
        }),
      );
      this.published.inc({ subject, status: ack.duplicate ? 'duplicate' : 'ok' });
      return { duplicate: ack.duplicate };
    } catch (err) {
      this.published.inc({ subject, status: 'error' });
      if (err instanceof StoreUnavailableError) throw err;
      throw new StoreUnavailableError(`publish to ${subject} not acknowledged: ${(err as Error).message}`);
    }
  }
}
