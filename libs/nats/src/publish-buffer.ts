import { Inject, Injectable } from '@nestjs/common';
import { StoreUnavailableError } from '@gateway/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { NATS_OPTIONS } from './nats.module-definition';
import { PUBLISH_BUFFER_CAPACITY, PUBLISH_BUFFER_SIZE } from './nats.metrics';
import type { NatsModuleOptions } from './nats.options';

/**
 * The gateway's own bound on JetStream writes handed to nats.js and not yet acknowledged (event
 * publishes and nonce claims alike). nats.js queues without limit; past `bufferMaxMessages` a
 * write is refused at once, so the webhook gets its 503 now instead of joining a queue that is
 * not draining. The age bound is the connection manager's (see dropStaleBuffer).
 */
@Injectable()
export class PublishBuffer {
  private held = 0;

  constructor(
    @Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions,
    @InjectMetric(PUBLISH_BUFFER_SIZE) private readonly size: Gauge,
    @InjectMetric(PUBLISH_BUFFER_CAPACITY) capacity: Gauge,
  ) {
    // Beside the size, so alerts compare the two instead of a hard-coded bound.
    capacity.set(options.bufferMaxMessages);
    size.set(0);
  }

  async hold<T>(write: () => Promise<T>): Promise<T> {
    if (this.held >= this.options.bufferMaxMessages) {
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
