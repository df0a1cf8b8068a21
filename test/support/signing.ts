import { createHmac, randomUUID } from 'node:crypto';
import { SECRET } from './gateway';

/** Headers of the gateway's signature scheme (docs/contract.md 1.1), as a sender computes them. */
export function signed(
  secret: string,
  body: string,
  { ts = Math.floor(Date.now() / 1000), nonce = randomUUID() }: { ts?: number; nonce?: string } = {},
): Record<string, string> {
  const mac = createHmac('sha256', secret).update(`${ts}.${nonce}.${body}`).digest('hex');
  return { 'x-timestamp': String(ts), 'x-nonce': nonce, 'x-signature': `sha256=${mac}` };
}

export interface Reply {
  status: number;
  headers: Headers;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function post(url: string, body: string, headers: Record<string, string>): Promise<Reply> {
  const res = await fetch(url, { method: 'POST', body, headers });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

export const tradingViewAlert = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    id: randomUUID(),
    ticker: 'BTCUSDT',
    exchange: 'BINANCE',
    action: 'buy',
    contracts: '0.5',
    price: '64123.5',
    ...over,
  });

/** Posts `body` as JSON to `<baseUrl>/webhooks/<route>`, signed with the tests' secret. */
export const sendSigned = (
  baseUrl: string,
  route: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Reply> =>
  post(`${baseUrl}/webhooks/${route}`, body, {
    'content-type': 'application/json',
    ...signed(SECRET, body),
    ...headers,
  });
