#!/usr/bin/env node
// Signs a payload the way a sender must (docs/contract.md 1.1) and posts it; prints the answer.
//   npm run signal -- --source tradingview --file alert.json
//   npm run signal -- --source custom --body '{"source":"acme-bot","instrument":"ETHUSDT","action":"buy"}'
// Exit code: 0 for a 2xx, 1 for any other answer, 2 when no answer came (or bad arguments).
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = `usage: npm run signal -- [--source <id>] [--file <path> | --body <text>]
                          [--content-type <type>] [--url <gateway>] [--secret <secret>]
  --source        the route: POST /webhooks/<source> (default tradingview)
  --file, --body  the payload (default: a sample TradingView alert)
  --content-type  default application/json
  --url           default $GATEWAY_URL, else http://127.0.0.1:$PORT (8001)
  --secret        default the first of $API_KEY_HMAC_SECRET, else the development secret
                  (a key written [id]secret, as the variable lists it, signs with the secret)`;

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      source: { type: 'string', default: 'tradingview' },
      file: { type: 'string' },
      body: { type: 'string' },
      url: {
        type: 'string',
        default: process.env.GATEWAY_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8001}`,
      },
      secret: {
        type: 'string',
        default: (process.env.API_KEY_HMAC_SECRET ?? 'dev-secret-change-me').split(',')[0],
      },
      'content-type': { type: 'string', default: 'application/json' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  console.error(`${err.message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

// A key written the way API_KEY_HMAC_SECRET lists it, `[id]secret`: the id names it, only the secret signs.
const secret = args.secret.replace(/^\[[^\]]*\]/, '');
const body = args.file ? readFileSync(args.file) : Buffer.from(args.body ?? sampleAlert());
const ts = String(Math.floor(Date.now() / 1000));
const nonce = randomUUID();
const mac = createHmac('sha256', secret).update(`${ts}.${nonce}.`).update(body).digest('hex');
const url = `${args.url}/webhooks/${args.source}`;

let res;
try {
  res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': args['content-type'],
      'x-timestamp': ts,
      'x-nonce': nonce,
      'x-signature': `sha256=${mac}`,
    },
  });
} catch (err) {
  console.error(`no answer from ${url}: ${err.cause?.message ?? err.message}`);
  process.exit(2);
}
console.log(`HTTP ${res.status}`);
console.log(await res.text());
process.exitCode = res.ok ? 0 : 1;

function sampleAlert() {
  return JSON.stringify({
    id: randomUUID(),
    ticker: 'BTCUSDT',
    exchange: 'BINANCE',
    action: 'buy',
    contracts: '0.01',
    price: '64123.5',
    interval: '15',
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });
}
