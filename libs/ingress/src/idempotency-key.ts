import { problem, WebhookContext } from '@gateway/contracts';
import { isPlainObject } from '@gateway/sources-core';
import { createHash } from 'node:crypto';

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * CONTRACT.md 1.3: the `Idempotency-Key` header, else the scheme's message id (Standard
 * Webhooks, a GitHub-style delivery id), else the payload's id field (the source's
 * `idempotencyField`, `id` unless it says otherwise, none when it says `null`), else the SHA-256 of
 * the body as published (`body`). Scoped by source through the event id derived from it.
 */
export function idempotencyKeyOf(webhook: WebhookContext, body: Buffer): string {
  const header = webhook.header('idempotency-key');
  if (header !== undefined) {
    if (!KEY.test(header)) {
      throw problem('bad_request', 'Idempotency-Key must be 1-255 visible ASCII characters');
    }
    return header;
  }
  if (webhook.auth.idempotencyKey) return webhook.auth.idempotencyKey;
  const id = payloadId(webhook);
  return id ?? `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

function payloadId(webhook: WebhookContext): string | undefined {
  let payload: unknown;
  try {
    payload = webhook.json();
  } catch {
    return undefined;
  }
  if (!isPlainObject(payload)) return undefined;
  const field = webhook.adapter?.idempotencyField;
  if (field === null) return undefined;
  const key = field ?? 'id';
  const id = Object.hasOwn(payload, key) ? payload[key] : undefined;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return typeof id === 'string' && KEY.test(id) ? id : undefined;
}
