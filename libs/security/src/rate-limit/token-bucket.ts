import type { BucketLimits, Reservation } from '@gateway/contracts';

/**
 * A bucket's tokens at `at` (epoch ms). Below zero they are reservations taken ahead of the refill:
 * a request that found the bucket empty holds a token that exists only once the bucket has refilled.
 */
export interface BucketState {
  readonly tokens: number;
  readonly at: number;
}

// Float noise must not turn "exactly one token ready within the wait" into none.
const EPSILON = 1e-9;

/**
 * Reserves up to `want` tokens at `now`, each ready when the refill reaches it, granting only those
 * ready within `maxWaitMs`: the one piece of bucket arithmetic, used by the replica's own buckets
 * and by the cluster-wide lease store alike. `state` undefined is a full bucket. Returns the new
 * state (the old one when nothing was granted) and the reservation.
 */
export function reserveTokens(
  state: BucketState | undefined,
  limits: BucketLimits,
  want: number,
  maxWaitMs: number,
  now: number,
): { state: BucketState; reservation: Reservation } {
  const perMs = limits.rate / 1000;
  const elapsed = state ? Math.max(0, now - state.at) : 0;
  const tokens = state ? Math.min(limits.burst, state.tokens + elapsed * perMs) : limits.burst;
  const reachable = Math.floor(tokens + Math.max(0, maxWaitMs) * perMs + EPSILON);
  const granted = Math.max(0, Math.min(want, reachable));
  if (granted === 0) {
    // When one token will be ready within the wait allowed, counted from now.
    const retryAfterMs = Math.max(1, (1 - tokens) / perMs - Math.max(0, maxWaitMs));
    return { state: { tokens, at: now }, reservation: { granted: 0, retryAfterMs } };
  }
  const left = tokens - granted;
  return {
    state: { tokens: left, at: now },
    reservation: { granted, readyInMs: left >= 0 ? 0 : -left / perMs },
  };
}
