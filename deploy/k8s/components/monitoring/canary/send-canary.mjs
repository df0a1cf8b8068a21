#!/usr/bin/env node
// The canary sender (docs/observability.md "Canary"): posts one signed canary signal to
// <CANARY_URL>/webhooks/canary, through the public entry (certificate, load balancer, Service,
// gateway, NATS), and exits 0 for a 2xx, 1 for any other answer, 2 when none came.
// Run every minute by the CronJob of deploy/k8s/components/monitoring; by hand:
//   CANARY_URL=https://signals.example.com node send-canary.mjs
// Plain Node.js (18+), no dependencies: the CronJob runs it in the gateway's own image.
//
//   CANARY_URL          the gateway's public base URL (required)
//   CANARY_SECRETS_DIR  the mounted Secret (default /etc/at-gateway/secrets): the key is the
//                       first of the canary's own keys in SOURCE_HMAC_SECRETS, else the first
//                       shared key of API_KEY_HMAC_SECRET (a key's [id] prefix is not signed)
//   CANARY_TIMEOUT_MS   give up after (default 10000)
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.CANARY_URL;
const dir = process.env.CANARY_SECRETS_DIR ?? '/etc/at-gateway/secrets';
const timeoutMs = Number(process.env.CANARY_TIMEOUT_MS ?? 10000);

const report = (fields, code) => {
  console.log(JSON.stringify({ msg: 'canary', ...fields }));
  process.exit(code);
};

if (!base) report({ error: 'CANARY_URL is not set' }, 2);
const key = signingKey();
if (!key) report({ error: `no signing key in ${dir} (API_KEY_HMAC_SECRET or SOURCE_HMAC_SECRETS)` }, 2);

const body = JSON.stringify({ id: `canary-${randomUUID()}`, sent_at: new Date().toISOString() });
const ts = String(Math.floor(Date.now() / 1000));
const nonce = randomUUID();
const signature = createHmac('sha256', key).update(`${ts}.${nonce}.${body}`).digest('hex');
// A trace of its own, so the canary's events can be followed downstream like any signal's.
const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
const url = `${base.replace(/\/+$/, '')}/webhooks/canary`;

try {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-timestamp': ts,
      'x-nonce': nonce,
      'x-signature': `sha256=${signature}`,
      traceparent,
    },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const answer = await res.text();
  let code;
  try {
    code = JSON.parse(answer).code;
  } catch {
    code = undefined;
  }
  const corrId = res.headers.get('x-correlation-id');
  report({ url, status: res.status, code, corr_id: corrId, traceparent }, res.ok ? 0 : 1);
} catch (err) {
  report({ url, error: err.cause?.code ?? err.name ?? String(err), traceparent }, 2);
}

/** The first key the canary may sign with, without its `[id]` prefix. */
function signingKey() {
  const read = (name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').trim() : '');
  const own = read('SOURCE_HMAC_SECRETS')
    .split(';')
    .map((entry) => entry.trim())
    .find((entry) => entry.startsWith('canary:'));
  const list = own ? own.slice('canary:'.length) : read('API_KEY_HMAC_SECRET');
  const first = list.split(',')[0]?.trim() ?? '';
  return first.replace(/^\[[A-Za-z0-9._-]{1,32}\]/, '');
}
