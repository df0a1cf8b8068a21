import { Global, Module } from '@nestjs/common';
import {
  EventPublisher,
  type GatewayEvent,
  NonceStore,
  type Priority,
  type Subject,
} from '@gateway/contracts';

export interface StoredEvent {
  subject: Subject;
  msgId: string;
  event: GatewayEvent;
  /** The source's lane in the write buffer it was published in. */
  priority: Priority;
}

/**
 * The event store in memory, keyed by message id like JetStream's duplicate window: a second
 * publish of an id is acknowledged as a duplicate and not stored again. `failWith` makes every
 * publish fail (an outage, an event too large) until it is cleared.
 */
export class InMemoryEventPublisher extends EventPublisher {
  readonly stored = new Map<string, StoredEvent>();
  failWith?: Error;

  publish(
    subject: Subject,
    msgId: string,
    event: GatewayEvent,
    _corrId: string,
    _deadline: number,
    priority: Priority = 'normal',
  ): Promise<{ duplicate: boolean }> {
    if (this.failWith) return Promise.reject(this.failWith);
    const duplicate = this.stored.has(msgId);
    if (!duplicate) this.stored.set(msgId, { subject, msgId, event, priority });
    return Promise.resolve({ duplicate });
  }

  /** The events stored on `subject`, in the order they were stored. */
  on(subject: Subject): GatewayEvent[] {
    return [...this.stored.values()].filter((e) => e.subject === subject).map((e) => e.event);
  }
}

/** The shared nonce store in memory: a nonce can be claimed once until it is released. */
export class InMemoryNonceStore extends NonceStore {
  readonly claimed = new Set<string>();
  failWith?: Error;

  claim(nonce: string): Promise<boolean> {
    if (this.failWith) return Promise.reject(this.failWith);
    if (this.claimed.has(nonce)) return Promise.resolve(false);
    this.claimed.add(nonce);
    return Promise.resolve(true);
  }

  release(nonce: string): Promise<void> {
    this.claimed.delete(nonce);
    return Promise.resolve();
  }
}

/** The ports the NATS module provides in the app, as in-memory fakes, for unit specs of modules. */
@Global()
@Module({
  providers: [
    { provide: EventPublisher, useClass: InMemoryEventPublisher },
    { provide: NonceStore, useClass: InMemoryNonceStore },
  ],
  exports: [EventPublisher, NonceStore],
})
export class FakePortsModule {}
