import { type AuthResult, problem, WebhookContext } from '@gateway/contracts';
import { createHash } from 'node:crypto';

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * CONTRACT.md 1.3: the `Idempotency-Key` header, else the scheme's message id (Standard
 * Webhooks), else the payload's `id`, else the SHA-256 of the body as published (`body`). Scoped
 * by source through the event id derived from it.
 */
export function idempotencyKeyOf(webhook: WebhookContext, auth: AuthResult, body: Buffer): string {
  const header = webhook.header('idempotency-key');
  if (header !== undefined) {
    if (!KEY.test(header)) {
      throw problem('bad_request', 'Idempotency-Key must be 1-255 visible ASCII characters');
    }
    return header;
  }
  if (auth.idempotencyKey) return auth.idempotencyKey;
  return payloadId(webhook) ?? `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

function payloadId(webhook: WebhookContext): string | undefined {
  const id = webhook.jsonObject()?.id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return typeof id === 'string' && KEY.test(id) ? id : undefined;
}
