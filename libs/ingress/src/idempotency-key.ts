import { type AuthResult, problem, WebhookContext } from '@gateway/contracts';

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * CONTRACT.md 1.3: the `Idempotency-Key` header, else the scheme's message id (Standard
 * Webhooks, a GitHub-style delivery id), else the payload's id field (the source's
 * `idempotencyField`: `id` unless it says otherwise, none when it says `null`), else the key its
 * source policy's dedupe fields make (`fieldsKey`, dedupe-key.ts), else the SHA-256 of the body as
 * published (`bodySha256`, hex). Scoped by source through the event id derived from it.
 */
export function idempotencyKeyOf(
  webhook: WebhookContext,
  auth: AuthResult,
  bodySha256: string,
  field: string | null = 'id',
  fieldsKey?: string,
): string {
  const header = webhook.header('idempotency-key');
  if (header !== undefined) {
    if (!KEY.test(header)) {
      throw problem('bad_request', 'Idempotency-Key must be 1-255 visible ASCII characters');
    }
    return header;
  }
  if (auth.idempotencyKey) return auth.idempotencyKey;
  const id = field === null ? undefined : payloadId(webhook, field);
  return id ?? fieldsKey ?? `sha256:${bodySha256}`;
}

function payloadId(webhook: WebhookContext, field: string): string | undefined {
  const payload = webhook.jsonObject();
  const id = payload && Object.hasOwn(payload, field) ? payload[field] : undefined;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return typeof id === 'string' && KEY.test(id) ? id : undefined;
}
