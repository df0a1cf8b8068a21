import { createHmac } from 'node:crypto';

/** Headers of the gateway's signature scheme (`<ts>.<nonce>.<body>`), as a sender computes them. */
export function gatewaySigned(
  secret: string,
  body: string,
  nonce: string,
  ts = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const mac = createHmac('sha256', secret).update(`${ts}.${nonce}.${body}`).digest('hex');
  return { 'x-timestamp': String(ts), 'x-nonce': nonce, 'x-signature': `sha256=${mac}` };
}
