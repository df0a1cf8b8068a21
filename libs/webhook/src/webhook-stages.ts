import type { AuthResult, NormalizationResult, SourceAdapter, WebhookRequest } from '@gateway/contracts';
import type { WebhookContext } from './webhook-context';

/**
 * What each step of a webhook's way in established, as its own readonly type. Every step takes
 * the result of the one before it and hands its own forward (webhook-step.ts); the route's
 * decorator lists the steps, and `webhookSteps()` refuses at compile time a list in which a step
 * would take a result its predecessor does not give:
 *
 *   SourceRouteGuard → Routed → CredentialsGuard → Presented → BodyGuard → Received
 *   → WebhookAuthGuard → Authenticated → SourceAllowlistGuard → Allowed → ReplayGuard → Claimed
 *   → SourcePolicyGuard → Claimed → NormalizationPipe → NormalizedWebhook
 */

/** The route check: a source is served at this route, in the request's media type. */
export interface Routed {
  readonly webhook: WebhookContext;
  readonly adapter: SourceAdapter;
}

/**
 * The verification's look at the headers alone (signature headers present and well-formed, the
 * timestamp inside the window, a token route's client address), and what it read there, kept
 * for the check of the body: the same headers are never parsed twice.
 */
export interface Presented extends Routed {
  readonly credentials: PresentedCredentials;
}

/** The credentials a request's headers presented, to be checked against its body once it is in. */
export interface PresentedCredentials {
  /** Who sent the whole request, or the problem (401/403) that refuses it. */
  authenticate(webhook: WebhookRequest): AuthResult;
}

/** The body intake: the exact bytes received, within the size limit and the memory budget. */
export interface Received extends Presented {
  readonly body: Buffer;
}

/** Authentication: who sent it. */
export interface Authenticated extends Routed {
  readonly auth: AuthResult;
}

/** The allowlist: the source it speaks for, allowed, and signed with a secret of its own. */
export interface Allowed extends Authenticated {
  readonly sourceId: string;
}

/** Replay protection: its nonce, if it has one, is now this request's. */
export interface Claimed extends Allowed {
  /**
   * The nonce was claimed before by this very request (a sender's redelivery), so it may only be
   * answered as a duplicate of what that request stored.
   */
  readonly redelivery: boolean;
}

/** The normalization pipe's output, and the ingest service's input: every gate passed. */
export interface NormalizedWebhook extends Claimed {
  readonly result: NormalizationResult;
}
