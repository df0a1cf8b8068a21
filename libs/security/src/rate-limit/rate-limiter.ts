import type { Reservation } from '@gateway/contracts';

/** One source's token bucket, as the policy guard sees it: one token per request. */
export interface RateLimiter {
  /**
   * Reserves one token ready within `maxWaitMs`, or says when to retry. `deadline` (epoch ms)
   * bounds any round trip the limiter makes to reach its bucket.
   */
  reserve(maxWaitMs: number, deadline: number): Reservation | Promise<Reservation>;
}
