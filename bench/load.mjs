// Signed load with autocannon: every request a fresh TradingView alert (own id, so its own
// idempotency key) with its own timestamp and nonce, signed as a sender would sign it.
import autocannon from 'autocannon';
import { createHmac, randomUUID } from 'node:crypto';
import { cpuMsOf, rssOf } from './processes.mjs';

/** A TradingView alert of about `bytes` bytes: the usual fields plus a `note` that pads it. */
export function alertOf(bytes) {
  const base = {
    id: '00000000-0000-0000-0000-000000000000',
    ticker: 'BTCUSDT',
    exchange: 'BINANCE',
    action: 'buy',
    contracts: '0.5',
    price: '64123.5',
    interval: '15',
    strategy: 'bench',
    time: '2026-11-27T12:00:00Z',
    note: '',
  };
  const pad = Math.max(0, bytes - JSON.stringify(base).length);
  return (id) => JSON.stringify({ ...base, id, note: 'x'.repeat(pad) });
}

export async function signedLoad({ url, secret, connections, seconds, bytes, pid }) {
  const alert = alertOf(bytes);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 100);
  const cpuBefore = cpuMsOf(pid);
  try {
    const result = await autocannon({
      url: `${url}/webhooks/tradingview`,
      method: 'POST',
      connections,
      duration: seconds,
      requests: [
        {
          setupRequest: (req) => {
            const body = alert(randomUUID());
            const ts = Math.floor(Date.now() / 1000);
            const nonce = randomUUID();
            const mac = createHmac('sha256', secret).update(`${ts}.${nonce}.${body}`).digest('hex');
            return {
              ...req,
              body,
              headers: {
                'content-type': 'application/json',
                'x-timestamp': String(ts),
                'x-nonce': nonce,
                'x-signature': `sha256=${mac}`,
              },
            };
          },
        },
      ],
    });
    peakRss = Math.max(peakRss, rssOf(pid));
    return {
      cpuPerRequestMs: (cpuMsOf(pid) - cpuBefore) / Math.max(1, result['2xx']),
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      peakRss,
    };
  } finally {
    clearInterval(sampler);
  }
}
