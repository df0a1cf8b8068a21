import type { GatewayEvent } from './events';
import type { PublishSubject } from './subjects';
import type { BucketLimits, Reservation } from './token-bucket';

/**
 * A source's lane in the shared JetStream write buffer: `critical` sources keep a reserved share of
 * it, so under pressure `normal` sources are refused first.
 */
export const PRIORITIES = ['critical', 'normal'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * An event serialised for the store, with its headers, and checked against the store's message
 * size: what `EventPublisher.send` publishes. Preparing every event of a webhook before sending
 * any makes "too large" (EventTooLargeError, 413) a refusal that stores nothing.
 */
export interface PreparedEvent {
  readonly subject: PublishSubject;
  readonly msgId: string;
}

/** What the store answered for one event. */
export interface StoreAck {
  /** The id was already stored: nothing new was written. */
  duplicate: boolean;
  /**
   * For a duplicate prepared with a body fingerprint: the fingerprint stored with the original
   * (undefined when the original has none, e.g. stored before fingerprints existed).
   */
  storedFingerprint?: string;
}

/** Where events go. The NATS library implements it with acknowledged JetStream publishes. */
export abstract class EventPublisher {
  /**
   * Serialises `event` for `subject`; no I/O. Throws EventTooLargeError when it is over the store's
   * message size. `fingerprint` (of the body a raw event carries) is stored with the message, so a
   * later publish of the same id can tell whether it carries the same body. `onlyIfStored`: the
   * write may only find its id stored (a duplicate); when it is not, nothing is written and `send`
   * rejects with NotStoredError. `traceparent` (W3C Trace Context) is carried in the message's
   * headers.
   */
  abstract prepare(
    subject: PublishSubject,
    msgId: string,
    event: GatewayEvent,
    corrId: string,
    fingerprint?: string,
    onlyIfStored?: boolean,
    traceparent?: string,
  ): PreparedEvent;

  /**
   * Resolves once the stream stored the event, or found its id already stored (`duplicate`).
   * Gives up (StoreUnavailableError) at `deadline` (epoch ms) at the latest; `priority` is the
   * source's lane in the write buffer (`normal` when not given).
   */
  abstract send(prepared: PreparedEvent, deadline: number, priority?: Priority): Promise<StoreAck>;

  /** Prepares and sends one event. */
  publish(
    subject: PublishSubject,
    msgId: string,
    event: GatewayEvent,
    corrId: string,
    deadline: number,
    priority?: Priority,
  ): Promise<StoreAck> {
    return this.send(this.prepare(subject, msgId, event, corrId), deadline, priority);
  }
}

/**
 * What claiming a nonce found: it was free (`claimed`), it is held by a request with the same
 * digest (`redelivery`: the very request again, which may only map to the event the first one
 * stored), or another request used it (`replayed`).
 */
export type NonceClaim = 'claimed' | 'redelivery' | 'replayed';

/** Remembers nonces for the replay window, shared by every replica. */
export abstract class NonceStore {
  /** Claims `nonce` for the request `digest` identifies. Gives up at `deadline`. */
  abstract claim(nonce: string, digest: string, deadline: number, priority?: Priority): Promise<NonceClaim>;
  /** Forgets a nonce whose request was not accepted, so the sender can retry it. */
  abstract release(nonce: string): Promise<void>;
}

/**
 * A token bucket shared by every replica, for sources whose limit holds cluster-wide. A replica
 * leases tokens in batches (one round trip serves many requests), so the hot path rarely waits
 * on the store.
 */
export abstract class RateLeaseStore {
  /**
   * Reserves up to `want` tokens of `key`'s bucket, atomically across replicas, with the
   * arithmetic of reserveTokens: only tokens ready within `maxWaitMs` are granted. Gives up
   * (StoreUnavailableError) at `deadline` (epoch ms).
   */
  abstract lease(
    key: string,
    limits: BucketLimits,
    want: number,
    maxWaitMs: number,
    deadline: number,
  ): Promise<Reservation>;
}
