import { Inject, Injectable } from '@nestjs/common';
import { type Priority, StoreUnavailableError } from '@gateway/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { NATS_OPTIONS } from './nats.module-definition';
import { PUBLISH_BUFFER_CAPACITY, PUBLISH_BUFFER_SIZE } from './nats.metrics';
import type { NatsModuleOptions } from './nats.options';

/**
 * The gateway's own bound on JetStream writes handed to nats.js and not yet acknowledged (event
 * publishes and nonce claims alike). nats.js queues without limit; past `bufferMaxMessages` a
 * write is refused at once, so the webhook gets its 503 now instead of joining a queue that is
 * not draining. The age bound is the connection manager's (see dropStaleBuffer). The last
 * `bufferCriticalReserve` places are kept for critical sources: under pressure normal ones are
 * refused first.
 */
@Injectable()
export class PublishBuffer {
  private held = 0;
  private readonly limits: Readonly<Record<Priority, number>>;

  constructor(
    @Inject(NATS_OPTIONS) options: NatsModuleOptions,
    @InjectMetric(PUBLISH_BUFFER_SIZE) private readonly size: Gauge,
    @InjectMetric(PUBLISH_BUFFER_CAPACITY) capacity: Gauge,
  ) {
    const max = options.bufferMaxMessages;
    this.limits = { critical: max, normal: max - (options.bufferCriticalReserve ?? 0) };
    // Beside the size, so alerts compare the two instead of a hard-coded bound.
    capacity.set(max);
    size.set(0);
  }

  async hold<T>(write: () => Promise<T>, priority: Priority = 'normal'): Promise<T> {
    if (this.held >= this.limits[priority]) {
      throw new StoreUnavailableError(`publish buffer full: ${this.held} messages awaiting acknowledgement`);
    }
    this.size.set(++this.held);
    try {
      return await write();
    } finally {
      this.size.set(--this.held);
    }
  }
}
