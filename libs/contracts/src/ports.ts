import type { GatewayEvent } from './events';
import type { Subject } from './subjects';

/** Where events go. The NATS library implements it with acknowledged JetStream publishes. */
export abstract class EventPublisher {
  /**
   * Resolves once the stream stored the event; `duplicate` when its id was already stored.
   * Gives up (StoreUnavailableError) at `deadline` (epoch ms) at the latest.
   */
  abstract publish(
    subject: Subject,
    msgId: string,
    event: GatewayEvent,
    corrId: string,
    deadline: number,
  ): Promise<{ duplicate: boolean }>;
}

/** Remembers nonces for the replay window, shared by every replica. */
export abstract class NonceStore {
  /** True the first time a nonce is claimed; false when it was seen before. Gives up at `deadline`. */
  abstract claim(nonce: string, deadline: number): Promise<boolean>;
  /** Forgets a nonce whose request was not accepted, so the sender can retry it. */
  abstract release(nonce: string): Promise<void>;
}
