import { randomBytes } from 'node:crypto';
import { StripeExampleSourceModule } from '@gateway/sources-example-stripe';
import { SOURCE_MODULES } from '@gateway/sources-catalog';
import { TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { stripeSigned } from './support/scheme-signing';
import { post } from './support/signing';
import { StreamReader } from './support/stream';

// A source signed the Stripe way, added as a team adds one: its folder (source, payload schema,
// normalizer and its own @WebhookVerifier()) and one line in the list of sources. No file of
// libs/security or libs/sources/core knows about it.
const STREAM = 'e2e-example-stripe';
const STRIPE_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const OLD_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

let events = 0;
const signalEvent = (object: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: `evt_${Date.now()}_${++events}`,
    object: 'event',
    type: 'signal.created',
    created: Math.floor(Date.now() / 1000),
    data: { object: { instrument: 'BTC-USD', side: 'buy', quantity: 0.5, price: '64123.5', ...object } },
  });

describe('a Stripe-style source (Stripe-Signature: t=…,v1=…)', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let stream: StreamReader;

  const send = (body: string, headers: Record<string, string>) =>
    post(`${gateway.url}/webhooks/example-stripe`, body, { 'content-type': 'application/json', ...headers });

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway(
      {
        NATS_URL: nats.url,
        NATS_STREAM: STREAM,
        ALLOWED_SOURCES: 'tradingview,example-stripe',
        SOURCE_HMAC_SECRETS: `example-stripe:${STRIPE_SECRET}`,
      },
      [...SOURCE_MODULES, StripeExampleSourceModule],
    ).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it('202: verified by its own scheme; a retry signed anew is a duplicate of the same event id', async () => {
    const body = signalEvent();
    const now = Math.floor(Date.now() / 1000);
    const first = await send(body, stripeSigned(STRIPE_SECRET, body, { t: now }));
    const retry = await send(body, stripeSigned(STRIPE_SECRET, body, { t: now + 1 }));

    expect(first.status).toBe(202);
    const stored = await stream.about(first.json.event_id);
    expect(stored.find((m) => m.subject === 'signals.raw')?.data).toMatchObject({
      source: 'example-stripe',
      idempotency_key: JSON.parse(body).id,
    });
    expect(stored.find((m) => m.subject === 'signals.normalized')?.data).toMatchObject({
      instrument: 'BTC-USD',
      action: 'buy',
      price: 64123.5,
      quantity: 0.5,
    });
    expect(retry.status).toBe(200);
    expect(retry.json).toMatchObject({ status: 'duplicate', event_id: first.json.event_id });
  });

  it('202 while the sender rolls its secret: one valid v1 among several is enough', async () => {
    const body = signalEvent();
    const reply = await send(body, stripeSigned([OLD_SECRET, STRIPE_SECRET], body));

    expect(reply.status).toBe(202);
  });

  it('200 with the original event_id: the exact request again (a redelivery)', async () => {
    const body = signalEvent();
    const headers = stripeSigned(STRIPE_SECRET, body);
    const first = await send(body, headers);
    expect(first.status).toBe(202);

    const again = await send(body, headers);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: 'duplicate', event_id: first.json.event_id });
  });

  it('401 stale_timestamp: t outside the tolerance (REPLAY_WINDOW_SEC), on either side', async () => {
    const body = signalEvent();
    const now = Math.floor(Date.now() / 1000);
    for (const t of [now - 301, now + 301]) {
      const reply = await send(body, stripeSigned(STRIPE_SECRET, body, { t }));
      expect(reply.status).toBe(401);
      expect(reply.json.code).toBe('stale_timestamp');
    }
  });

  it('401: another secret (invalid_signature), no header (missing_signature)', async () => {
    const body = signalEvent();
    const wrong = await send(body, stripeSigned(OLD_SECRET, body));
    const none = await send(body, {});

    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe('invalid_signature');
    expect(none.status).toBe(401);
    expect(none.json.code).toBe('missing_signature');
  });

  it('422: its payload schema applies, errors named by path', async () => {
    const body = signalEvent({ instrument: undefined });
    const reply = await send(body, stripeSigned(STRIPE_SECRET, body));

    expect(reply.status).toBe(422);
    expect(reply.json.errors).toEqual([{ field: 'data.object.instrument', message: 'is required' }]);
  });
});
