import type { WebhookRequest } from '@gateway/contracts';
import { createHash } from 'node:crypto';

/**
 * The idempotency key a source's `dedupe` fields make of a payload: the SHA-256 of their values,
 * in the configured order. Only when every field is present and holds a string, a number or a
 * boolean: a payload without one of them cannot be told apart from another signal, so it keeps
 * its body's hash (a missing `time` must not fold two bars' alerts into one).
 */
export function dedupeKeyOf(
  webhook: WebhookRequest,
  fields: readonly string[] | undefined,
): string | undefined {
  if (!fields) return undefined;
  const payload = webhook.jsonObject();
  if (!payload) return undefined;
  const values: unknown[] = [];
  for (const field of fields) {
    const value = Object.hasOwn(payload, field) ? payload[field] : undefined;
    if (!['string', 'number', 'boolean'].includes(typeof value)) return undefined;
    values.push(value);
  }
  return `fields:${createHash('sha256')
    .update(JSON.stringify([fields, values]))
    .digest('hex')}`;
}
