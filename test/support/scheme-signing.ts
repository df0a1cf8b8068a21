import { createHmac, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Headers of the signing schemes sources may declare, computed as their senders compute them
 * (from each scheme's own documentation, not from the gateway's code).
 */

/** GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, a delivery id and an event. */
export function githubSigned(
  secret: string,
  body: string,
  { delivery = randomUUID(), event = 'signal' }: { delivery?: string; event?: string } = {},
): Record<string, string> {
  const mac = createHmac('sha256', secret).update(body).digest('hex');
  return { 'x-hub-signature-256': `sha256=${mac}`, 'x-github-delivery': delivery, 'x-github-event': event };
}

/** Stripe: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, one v1 per secret. */
export function stripeSigned(
  secrets: string | readonly string[],
  body: string,
  { t = Math.floor(Date.now() / 1000) }: { t?: number } = {},
): Record<string, string> {
  const v1 = (typeof secrets === 'string' ? [secrets] : secrets).map(
    (secret) => `v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`,
  );
  return { 'stripe-signature': [`t=${t}`, ...v1].join(',') };
}

/** Standard Webhooks, signed by the official `standardwebhooks` library. */
export function standardSigned(
  secret: string,
  body: string,
  { id = `msg_${randomUUID()}`, at = new Date() }: { id?: string; at?: Date } = {},
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}
