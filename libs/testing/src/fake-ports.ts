import { Global, Module } from '@nestjs/common';
import {
  EventPublisher,
  EventTooLargeError,
  type GatewayEvent,
  type NonceClaim,
  NonceStore,
  NotStoredError,
  type PreparedEvent,
  type StoreAck,
  type Priority,
  type Subject,
} from '@gateway/contracts';

export interface StoredEvent {
  subject: Subject;
  msgId: string;
  event: GatewayEvent;
  fingerprint?: string;
  /** The source's lane in the write buffer it was published in. */
  priority: Priority;
}

type FakePrepared = PreparedEvent & Omit<StoredEvent, 'priority'> & { onlyIfStored?: boolean };

/**
 * The event store in memory, keyed by message id like JetStream's duplicate window: a second
 * publish of an id is acknowledged as a duplicate and not stored again. `failWith` makes every
 * send fail (an outage) until it is cleared; `maxEventBytes` is the store's message size limit.
 */
export class InMemoryEventPublisher extends EventPublisher {
  readonly stored = new Map<string, StoredEvent>();
  failWith?: Error;
  maxEventBytes = Number.POSITIVE_INFINITY;

  prepare(
    subject: Subject,
    msgId: string,
    event: GatewayEvent,
    _corrId: string,
    fingerprint?: string,
    onlyIfStored?: boolean,
  ): PreparedEvent {
    if (Buffer.byteLength(JSON.stringify(event)) > this.maxEventBytes) {
      throw new EventTooLargeError('the event is over the store message size limit');
    }
    const prepared: FakePrepared = { subject, msgId, event, fingerprint, onlyIfStored };
    return prepared;
  }

  send(prepared: PreparedEvent, _deadline = 0, priority: Priority = 'normal'): Promise<StoreAck> {
    if (this.failWith) return Promise.reject(this.failWith);
    const { subject, msgId, event, fingerprint, onlyIfStored } = prepared as FakePrepared;
    const original = this.stored.get(msgId);
    if (original) return Promise.resolve({ duplicate: true, storedFingerprint: original.fingerprint });
    if (onlyIfStored) return Promise.reject(new NotStoredError(`${msgId} is not stored`));
    this.stored.set(msgId, { subject, msgId, event, fingerprint, priority });
    return Promise.resolve({ duplicate: false });
  }

  /** The events stored on `subject`, in the order they were stored. */
  on(subject: Subject): GatewayEvent[] {
    return [...this.stored.values()].filter((e) => e.subject === subject).map((e) => e.event);
  }
}

/**
 * The shared nonce store in memory: a nonce can be claimed once until it is released, and again
 * only by a request with the same digest (a redelivery).
 */
export class InMemoryNonceStore extends NonceStore {
  /** Each claimed nonce with the digest of the request that claimed it. */
  readonly claimed = new Map<string, string>();
  /** How many claims were asked for, whatever they found. */
  claims = 0;
  failWith?: Error;

  claim(nonce: string, digest = ''): Promise<NonceClaim> {
    this.claims++;
    if (this.failWith) return Promise.reject(this.failWith);
    const holder = this.claimed.get(nonce);
    if (holder !== undefined) return Promise.resolve(holder === digest ? 'redelivery' : 'replayed');
    this.claimed.set(nonce, digest);
    return Promise.resolve('claimed');
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
