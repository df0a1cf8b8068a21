/** What verifying a request established about its sender; replay protection builds on it. */
export interface AuthResult {
  /** Unix seconds the sender signed at, when the scheme carries one. */
  readonly timestamp?: number;
  /** Unique per request; refused when seen again within the replay window. */
  readonly nonce?: string;
  /**
   * The nonce is the MAC of the signed bytes, the body among them: two requests under one nonce
   * carry the same body (and timestamp), so telling them apart needs only what is unsigned.
   */
  readonly nonceSignsBody?: boolean;
  /** A scheme-provided idempotency key (Standard Webhooks' `webhook-id`). */
  readonly idempotencyKey?: string;
  /**
   * The nonce is the sender's promise to use it once (the gateway scheme's `X-Nonce`), not a
   * delivery its sender redelivers by design: the very request again is refused, as a replay,
   * unless its source's policy sets `redelivery=original` (docs/decisions.md).
   */
  readonly singleUseNonce?: boolean;
  /**
   * The keys that verified its signature, as the key set in force at that moment saw them (keys
   * rotate while requests run). Absent when the credentials are bound to the route itself (the
   * token profile).
   */
  readonly signedBy?: SignedBy;
}

/** What a request's verifying keys may do, answered once its source is known. */
export interface SignedBy {
  /** A key that verified it may speak for `source`: one of its own, or a shared one if it has none. */
  speaksFor(source: string): boolean;
  /** Counts the request by that key (`gateway_webhooks_verified_total{source,key}`). */
  countFor(source: string): void;
}
