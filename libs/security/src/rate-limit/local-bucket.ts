import type { BucketLimits, Reservation } from '@gateway/contracts';
import type { RateLimiter } from './rate-limiter';
import { type BucketState, reserveTokens } from './token-bucket';

/**
 * A source's token bucket on this replica alone: no round trip, so the reservation is immediate.
 * A request over the rate gets a token that is ready later, and waits for it on a timer.
 */
export class LocalBucket implements RateLimiter {
  private state?: BucketState;

  constructor(
    private readonly limits: BucketLimits,
    private readonly now: () => number = Date.now,
  ) {}

  reserve(maxWaitMs: number): Reservation {
    const next = reserveTokens(this.state, this.limits, 1, maxWaitMs, this.now());
    this.state = next.state;
    return next.reservation;
  }
}
