import type { AuthResult } from '@gateway/contracts';
import type { WebhookContext } from '@gateway/webhook';
import { createHash } from 'node:crypto';

/**
 * What makes two deliveries under one nonce the same request, as a SHA-256 (base64url): the
 * signed parts (its timestamp and its exact body), its scheme's message id, and every unsigned
 * part that decides which event it becomes: the route (its source), the media type (how the body
 * is read) and the `Idempotency-Key` header. A request matching the digest its nonce was claimed
 * with can only derive the event id the first one did, so it is let through as a retry (a
 * duplicate, never a second event); one that differs in any of them stays a replay. When the
 * nonce is the MAC of the signed bytes, the body is already the same under it and is not hashed
 * again.
 */
export function requestDigest(webhook: WebhookContext, auth: AuthResult): string {
  const head = JSON.stringify([
    webhook.route,
    webhook.header('content-type') ?? null,
    webhook.header('idempotency-key') ?? null,
    auth.timestamp ?? null,
    auth.idempotencyKey ?? null,
  ]);
  const digest = createHash('sha256').update(head);
  if (!auth.nonceSignsBody) digest.update('\n').update(webhook.body);
  return digest.digest('base64url');
}
