import type { NormalizationResult, SourceAdapter } from './source-adapter';
import type { WebhookContext } from './webhook-context';

/**
 * What each stage of a webhook's way in established, as its own readonly type. A stage takes the
 * result of the one before it (`WebhookContext.reached`) and records its own
 * (`WebhookContext.establish`), so a later stage never has to assert that an earlier one ran:
 *
 *   routeOf (in the body intake) → Routed → WebhookAuthGuard → Authenticated → (ReplayGuard)
 *   → SourceAllowlistGuard → Allowed → (SourcePolicyGuard) → NormalizationPipe → NormalizedWebhook
 */

/** The route check (`routeOf`): a source is served at this route, in the request's media type. */
export interface Routed {
  readonly adapter: SourceAdapter;
}

/** What authentication established about a request; replay protection builds on it. */
export interface AuthResult {
  /** Unix seconds the sender signed at, when the scheme carries one. */
  readonly timestamp?: number;
  /** Unique per request; refused when seen again within the replay window. */
  readonly nonce?: string;
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
   * TradingView token profile).
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

/** The auth guard: who sent it. */
export interface Authenticated extends Routed {
  readonly auth: AuthResult;
}

/** The allowlist guard: the source it speaks for, allowed and signed with a secret of its own. */
export interface Allowed extends Authenticated {
  readonly sourceId: string;
}

/** The normalization pipe's output, and the ingest service's input: every gate passed. */
export interface NormalizedWebhook extends Allowed {
  readonly webhook: WebhookContext;
  readonly result: NormalizationResult;
}

/** The stages a guard establishes, in their order. */
export interface Stages {
  routed: Routed;
  authenticated: Authenticated;
  allowed: Allowed;
}

export type StageName = keyof Stages;

export const STAGE_ORDER: Readonly<Record<StageName, number>> = { routed: 1, authenticated: 2, allowed: 3 };
