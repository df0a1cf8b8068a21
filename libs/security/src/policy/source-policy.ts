import type { BucketLimits, Priority } from '@gateway/contracts';

/**
 * What the very request again (same nonce, bytes and headers) gets: `original`, a 200 with the
 * event its first delivery stored; `refuse`, 401 `replayed_nonce`.
 */
export const REDELIVERY_ANSWERS = ['original', 'refuse'] as const;
export type RedeliveryAnswer = (typeof REDELIVERY_ANSWERS)[number];

/** `replica`: each replica has its own bucket; `cluster`: one bucket for all, shared through NATS. */
export const RATE_SCOPES = ['replica', 'cluster'] as const;
export type RateScope = (typeof RATE_SCOPES)[number];

/**
 * One source's policy under pressure (docs/contract.md 6.4, docs/operations.md): its token bucket
 * (`rate`/s sustained, `burst` at once), how long a request over the rate may wait for a token
 * before its 429, how many of its webhooks one replica works on at once, and its lane.
 */
export interface SourcePolicy extends BucketLimits {
  /** Longest wait for a token; the request's own budget may cut it shorter (SourcePolicyGuard). */
  readonly maxWaitMs: number;
  /** Webhooks of this source in progress at once on one replica; beyond it 503 `source_busy`. */
  readonly inFlight: number;
  readonly priority: Priority;
  readonly scope: RateScope;
  /**
   * Top-level payload fields whose values, together, are the idempotency key when the sender
   * names none (no `Idempotency-Key`, scheme id or payload id): one bar's alert fired again by a
   * charting platform is then one event. Absent: off (the body's hash).
   */
  readonly dedupe?: readonly string[];
  /** Seconds: a signal whose `signal_time` is older at receipt is refused, 422 `signal_stale`. Absent: off. */
  readonly maxAgeSec?: number;
  /**
   * The answer to a redelivery. Absent: `original` for schemes whose senders redeliver by design
   * (GitHub, Stripe, Standard Webhooks), `refuse` for the gateway scheme's single-use `X-Nonce`.
   */
  readonly redelivery?: RedeliveryAnswer;
}

/** Every allowed source's policy, and the defaults they were built from. */
export interface SourcePolicyOptions {
  /** From RATE_LIMIT_RPS, RATE_LIMIT_BURST, RATE_LIMIT_MAX_WAIT_MS and SOURCE_IN_FLIGHT_MAX. */
  readonly defaults: SourcePolicy;
  /** One entry per allowed source: the defaults with what SOURCE_POLICY(_FILE) sets for it. */
  readonly sources: Readonly<Record<string, SourcePolicy>>;
}

/** Every source with the same policy: a deployment without per-source settings (and specs). */
export function uniformPolicy(sources: readonly string[], policy: SourcePolicy): SourcePolicyOptions {
  return { defaults: policy, sources: Object.fromEntries(sources.map((source) => [source, policy])) };
}
