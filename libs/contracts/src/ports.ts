import type { GatewayEvent } from './events';
import type { Subject } from './subjects';
import type { BucketLimits, Reservation } from './token-bucket';

/**
 * A source's lane in the shared JetStream write buffer: `critical` sources keep a reserved share of
 * it, so under pressure `normal` sources are refused first.
 */
export const PRIORITIES = ['critical', 'normal'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Where events go. The NATS library implements it with acknowledged JetStream publishes. */
export abstract class EventPublisher {
  /**
   * Resolves once the stream stored the event; `duplicate` when its id was already stored.
   * Gives up (StoreUnavailableError) at `deadline` (epoch ms) at the latest; `priority` is the
   * source's lane in the write buffer (`normal` when not given).
   */
  abstract publish(
    subject: Subject,
    msgId: string,
    event: GatewayEvent,
    corrId: string,
    deadline: number,
    priority?: Priority,
  ): Promise<{ duplicate: boolean }>;
}

/** Remembers nonces for the replay window, shared by every replica. */
export abstract class NonceStore {
  /** True the first time a nonce is claimed; false when it was seen before. Gives up at `deadline`. */
  abstract claim(nonce: string, deadline: number, priority?: Priority): Promise<boolean>;
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
