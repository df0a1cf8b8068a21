/** A token bucket's size and refill: `rate` tokens per second, up to `burst` held at once. */
export interface BucketLimits {
  readonly rate: number;
  readonly burst: number;
}

/**
 * What a reservation got: `granted` tokens, the last of which is ready after `readyInMs` (0: now);
 * or none (`granted` 0), because none would be ready within the wait allowed, and a request would
 * be after `retryAfterMs`.
 */
export type Reservation =
  | { readonly granted: number; readonly readyInMs: number }
  | { readonly granted: 0; readonly retryAfterMs: number };
