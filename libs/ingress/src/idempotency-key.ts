import { type AuthResult, problem, type WebhookRequest } from '@gateway/contracts';

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * docs/contract.md 1.3: the `Idempotency-Key` header, else the scheme's message id (Standard
 * Webhooks, a GitHub-style delivery id), else the payload's id field (the source's
 * `idempotencyField`: `id` unless it says otherwise, none when it says `null`), else the key its
 * source policy's dedupe fields make (`fieldsKey`, dedupe-key.ts), else the SHA-256 of the body as
 * published (`bodySha256`, hex). Scoped by source through the event id derived from it.
 */
export function idempotencyKeyOf(
  webhook: WebhookRequest,
  auth: AuthResult,
  bodySha256: string,
  field: string | null = 'id',
  fieldsKey?: string,
): string {
  const header = idempotencyKeyHeader(webhook);
  if (header !== undefined) return header;
  if (auth.idempotencyKey) return auth.idempotencyKey;
  const id = field === null ? undefined : payloadId(webhook, field);
  return id ?? fieldsKey ?? `sha256:${bodySha256}`;
}

/**
 * The `Idempotency-Key` header, if sent; a malformed one is a 400. The body intake (BodyGuard) checks it
 * before anything is claimed: the header is not signed, so a sender must be able to correct it
 * and send the very same signed bytes again, which a nonce spent on the refusal would forbid.
 */
export function idempotencyKeyHeader(webhook: Pick<WebhookRequest, 'header'>): string | undefined {
  const header = webhook.header('idempotency-key');
  if (header !== undefined && !KEY.test(header)) {
    throw problem('bad_request', 'Idempotency-Key must be 1-255 visible ASCII characters');
  }
  return header;
}

function payloadId(webhook: WebhookRequest, field: string): string | undefined {
  const payload = webhook.jsonObject();
  const id = payload && Object.hasOwn(payload, field) ? payload[field] : undefined;
  if (typeof id === 'number') {
    // 12345678901234567890 parses as ...888 like its neighbours; 7000001.0 is 7000001.
    if (Number.isSafeInteger(id)) return String(id);
    throw problem(
      'bad_request',
      `a numeric "${field}" must be a whole number within ±(2^53 − 1), or it cannot be read exactly: send it as a string`,
    );
  }
  return typeof id === 'string' && KEY.test(id) ? id : undefined;
}
