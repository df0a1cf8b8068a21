// The bare reference of `npm run bench`: the gateway's work on /webhooks/tradingview with
// node:http and nats only — read the body with its limit, check the X-Signature HMAC and the
// timestamp window, claim the nonce in the same JetStream KV bucket, check the allowlist and a
// token bucket, parse and normalize, derive the ids, publish raw + normalized and wait for both
// acks, answer 202. No framework, no logging, no metrics: the floor the gateway is measured
// against. It expects the stream and nonce bucket the gateway provisions.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { connect, Empty, headers as natsHeaders } from 'nats';

const env = process.env;
const secret = env.API_KEY_HMAC_SECRET;
const windowSec = Number(env.REPLAY_WINDOW_SEC ?? 300);
const maxBody = Number(env.MAX_BODY_BYTES ?? 1024 * 1024);
const allowed = new Set((env.ALLOWED_SOURCES ?? 'tradingview').split(','));
const rate = Number(env.RATE_LIMIT_RPS ?? 50);
const stream = env.NATS_STREAM ?? 'trading-events';

const tls = env.NATS_TLS_CA_FILE ? { tls: { caFile: env.NATS_TLS_CA_FILE } } : {};
const nc = await connect({ servers: env.NATS_URL, maxReconnectAttempts: -1, ...tls });
const js = nc.jetstream({ timeout: 1500 });
const kv = await js.views.kv(`${stream}-nonces`, { bindOnly: true });

const bucket = { tokens: rate, at: Date.now() };
function takeToken() {
  const now = Date.now();
  bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

const NAMESPACE = Buffer.from('5b0c3c2e8a7f4f0e9d4b6f1a2c3d4e5f', 'hex');
function uuidV5(name) {
  const h = createHash('sha1').update(NAMESPACE).update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const ALIASES = {
  instrument: ['ticker', 'symbol'],
  exchange: ['exchange'],
  action: ['action', 'side', 'order_action'],
  quantity: ['contracts', 'quantity', 'qty', 'size'],
  price: ['price', 'close'],
  timeframe: ['interval', 'timeframe'],
  strategy: ['strategy'],
  signal_time: ['time', 'timenow'],
};
const ACTIONS = {
  buy: 'buy',
  sell: 'sell',
  long: 'buy',
  short: 'sell',
  close: 'close',
  exit: 'close',
  flat: 'close',
};
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const num = (v) =>
  typeof v === 'number' ? v : typeof v === 'string' && DECIMAL.test(v.trim()) ? Number(v) : NaN;

function normalize(payload) {
  const used = new Set();
  const pick = (field) => {
    const key = ALIASES[field].find((k) => payload[k] !== undefined);
    if (key) used.add(key);
    return key === undefined ? undefined : payload[key];
  };
  const signal = {
    instrument: String(pick('instrument') ?? '').trim(),
    exchange: pick('exchange') ?? null,
    action: ACTIONS[String(pick('action') ?? '').toLowerCase()],
    price: null,
    quantity: null,
    timeframe: pick('timeframe') ?? null,
    strategy: pick('strategy') ?? null,
    signal_time: pick('signal_time') ?? null,
    extra: {},
  };
  const price = pick('price');
  const quantity = pick('quantity');
  signal.price = price === undefined ? null : num(price);
  signal.quantity = quantity === undefined ? null : num(quantity);
  for (const [k, v] of Object.entries(payload)) if (!used.has(k) && k !== '__proto__') signal.extra[k] = v;
  const ok = signal.instrument && signal.action && !Number.isNaN(signal.price) && !(signal.quantity < 0);
  return ok ? signal : undefined;
}

const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function handle(req, res, body) {
  const ts = req.headers['x-timestamp'];
  const nonce = req.headers['x-nonce'];
  const sig = String(req.headers['x-signature'] ?? '');
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${ts}.${nonce}.`).update(body).digest('hex')}`,
  );
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return send(res, 401, { code: 'invalid_signature' });
  if (Math.abs(Date.now() / 1000 - Number(ts)) > windowSec)
    return send(res, 401, { code: 'stale_timestamp' });
  try {
    await kv.create(createHash('sha256').update(nonce).digest('base64url'), Empty);
  } catch (err) {
    return send(res, err.api_error?.err_code === 10071 ? 401 : 503, { code: 'nonce' });
  }
  if (!allowed.has('tradingview')) return send(res, 403, { code: 'source_not_allowed' });
  if (!takeToken()) return send(res, 429, { code: 'rate_limited' });

  const text = body.toString('utf8');
  const payload = JSON.parse(text);
  const signal = normalize(payload);
  if (!signal) return send(res, 422, { code: 'schema_validation_failed' });

  const corrId = randomUUID();
  const key = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const eventId = uuidV5(`tradingview\n${key}`);
  const normalizedId = uuidV5(`${eventId}\nnormalized`);
  const common = { corr_id: corrId, source: 'tradingview', received_at: new Date().toISOString() };
  const raw = {
    schema: 'signals.raw.v1',
    event_id: eventId,
    ...common,
    content_type: req.headers['content-type'],
    body: text,
    idempotency_key: key,
  };
  const normalized = {
    schema: 'signals.normalized.v1',
    event_id: normalizedId,
    raw_event_id: eventId,
    ...common,
    ...signal,
  };
  const publish = (subject, id, event) => {
    const h = natsHeaders();
    h.set('X-Correlation-Id', corrId);
    h.set('X-Source', 'tradingview');
    h.set('X-Schema', event.schema);
    return js.publish(subject, JSON.stringify(event), { msgID: id, headers: h });
  };
  try {
    const acks = await Promise.all([
      publish('signals.raw', eventId, raw),
      publish('signals.normalized', normalizedId, normalized),
    ]);
    const duplicate = acks.every((a) => a.duplicate);
    send(res, duplicate ? 200 : 202, {
      status: duplicate ? 'duplicate' : 'accepted',
      event_id: eventId,
      corr_id: corrId,
    });
  } catch {
    send(res, 503, { code: 'nats_unavailable' });
  }
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/webhooks/tradingview')
    return send(res, 404, { code: 'not_found' });
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > maxBody) {
      send(res, 413, { code: 'payload_too_large' });
      req.destroy();
    } else chunks.push(c);
  });
  req.on('end', () => {
    if (size <= maxBody)
      handle(req, res, Buffer.concat(chunks)).catch(() => send(res, 500, { code: 'internal_error' }));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(env.PORT), env.HOST ?? '127.0.0.1');
