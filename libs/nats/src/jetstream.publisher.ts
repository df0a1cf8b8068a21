import { Inject, Injectable } from '@nestjs/common';
import { EventPublisher, GatewayEvent, StoreUnavailableError, Subject } from '@gateway/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import { eventHeaders } from './event-headers';
import { NatsConnectionManager } from './nats-connection.manager';
import { NATS_OPTIONS } from './nats.module-definition';
import { NATS_PUBLISH_TOTAL, PUBLISH_BUFFER_SIZE } from './nats.metrics';
import type { NatsModuleOptions } from './nats.options';

/** Publishes events and waits for JetStream's acknowledgement, bounded by the publish timeout. */
@Injectable()
export class JetStreamPublisher extends EventPublisher {
  private pending = 0;

  constructor(
    private readonly connection: NatsConnectionManager,
    @Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions,
    @InjectMetric(NATS_PUBLISH_TOTAL) private readonly published: Counter<'subject' | 'status'>,
    @InjectMetric(PUBLISH_BUFFER_SIZE) private readonly buffered: Gauge,
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
    this.buffered.set(++this.pending);
    try {
      const ack = await js.publish(subject, JSON.stringify(event), {
        msgID: msgId,
        headers: eventHeaders(event, corrId),
        timeout: this.options.publishTimeoutMs,
      });
      this.published.inc({ subject, status: ack.duplicate ? 'duplicate' : 'ok' });
      return { duplicate: ack.duplicate };
    } catch (err) {
      this.published.inc({ subject, status: 'error' });
      throw new StoreUnavailableError(`publish to ${subject} not acknowledged: ${(err as Error).message}`);
    } finally {
      this.buffered.set(--this.pending);
    }
  }
}
