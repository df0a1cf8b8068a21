import { Inject, Injectable } from '@nestjs/common';
import { EventPublisher, GatewayEvent, type Priority, Subject, Subjects } from '@gateway/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { eventHeaders } from './event-headers';
import { NatsConnectionManager } from './nats-connection.manager';
import { NATS_OPTIONS } from './nats.module-definition';
import { NATS_PUBLISH_DURATION_SECONDS, NATS_PUBLISH_TOTAL } from './nats.metrics';
import type { NatsModuleOptions } from './nats.options';
import { PublishBuffer } from './publish-buffer';
import { storeErrorOf } from './store-error';
import { timeLeft } from './time-left';

/** One subject's label children, bound once: publishing never builds a label object. */
interface SubjectInstruments {
  ok: Counter.Internal;
  duplicate: Counter.Internal;
  error: Counter.Internal;
  duration: Histogram.Internal<'subject'>;
}

/** Publishes events and waits for JetStream's acknowledgement, bounded by the publish timeout. */
@Injectable()
export class JetStreamPublisher extends EventPublisher {
  private readonly instruments: ReadonlyMap<Subject, SubjectInstruments>;

  constructor(
    private readonly connection: NatsConnectionManager,
    @Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions,
    @InjectMetric(NATS_PUBLISH_TOTAL) published: Counter<'subject' | 'status'>,
    @InjectMetric(NATS_PUBLISH_DURATION_SECONDS) duration: Histogram<'subject'>,
    private readonly buffer: PublishBuffer,
  ) {
    super();
    this.instruments = new Map(
      Object.values(Subjects).map((subject) => [
        subject,
        {
          ok: published.labels(subject, 'ok'),
          duplicate: published.labels(subject, 'duplicate'),
          error: published.labels(subject, 'error'),
          duration: duration.labels(subject),
        },
      ]),
    );
    // Every series exists from the start at 0, so increase() and the alerts see the first failure.
    for (const [subject, child] of this.instruments) {
      [child.ok, child.duplicate, child.error].forEach((counter) => counter.inc(0));
      duration.zero({ subject });
    }
  }

  async publish(
    subject: Subject,
    msgId: string,
    event: GatewayEvent,
    corrId: string,
    deadline: number,
    priority: Priority = 'normal',
  ): Promise<{ duplicate: boolean }> {
    const js = this.connection.jetStream();
    const instruments = this.instruments.get(subject)!;
    try {
      const ack = await this.buffer.hold(async () => {
        // Timed inside the buffer: a write refused because the buffer is full never reached NATS.
        const started = performance.now();
        try {
          return await js.publish(
            subject,
            JSON.stringify(event),
            eventHeaders(event, corrId, msgId),
            timeLeft(deadline),
          );
        } finally {
          instruments.duration.observe((performance.now() - started) / 1000);
        }
      }, priority);
      (ack.duplicate ? instruments.duplicate : instruments.ok).inc();
      this.connection.writeSucceeded();
      return { duplicate: ack.duplicate };
    } catch (err) {
      instruments.error.inc();
      this.connection.writeFailed(subject, err);
      throw storeErrorOf(err, `publish to ${subject}`);
    }
  }
}
