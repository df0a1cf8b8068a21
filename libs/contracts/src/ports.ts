import type { GatewayEvent } from './events';
import type { Subject } from './subjects';

/**
 * An event serialised for the store, with its headers, and checked against the store's message
 * size: what `EventPublisher.send` publishes. Preparing every event of a webhook before sending
 * any makes "too large" (EventTooLargeError, 413) a refusal that stores nothing.
 */
export interface PreparedEvent {
  readonly subject: Subject;
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
   * later publish of the same id can tell whether it carries the same body.
   */
  abstract prepare(
    subject: Subject,
    msgId: string,
    event: GatewayEvent,
    corrId: string,
    fingerprint?: string,
  ): PreparedEvent;

  /**
   * Resolves once the stream stored the event, or found its id already stored (`duplicate`).
   * Gives up (StoreUnavailableError) at `deadline` (epoch ms) at the latest.
   */
  abstract send(prepared: PreparedEvent, deadline: number): Promise<StoreAck>;

  /** Prepares and sends one event. */
  publish(
    subject: Subject,
    msgId: string,
    event: GatewayEvent,
    corrId: string,
    deadline: number,
  ): Promise<StoreAck> {
    return this.send(this.prepare(subject, msgId, event, corrId), deadline);
  }
}

/** Remembers nonces for the replay window, shared by every replica. */
export abstract class NonceStore {
  /** True the first time a nonce is claimed; false when it was seen before. Gives up at `deadline`. */
  abstract claim(nonce: string, deadline: number): Promise<boolean>;
  /** Forgets a nonce whose request was not accepted, so the sender can retry it. */
  abstract release(nonce: string): Promise<void>;
}
