import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';

// The guards, seen from outside: each refusal is a 401/403/429 problem and stores nothing.
describe('webhook authentication, replay protection and allowlist', () => {
  const STREAM = 'e2e-security';
  const ROTATED = 'rotated-secret-7a1e';
  // A Standard Webhooks secret as its senders are given one, among the shared secrets.
  const WHSEC = `whsec_${randomBytes(32).toString('base64')}`;
  // acme-bot has secrets of its own (one of each kind): only they sign for it, and only for it.
  const ACME_KEY = 'acme-own-key-41d2';
  const ACME_WHSEC = `whsec_${randomBytes(24).toString('base64')}`;
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let stream: StreamReader;

  const tv = (body: string, headers: Record<string, string>) =>
    post(`${gateway.url}/webhooks/tradingview`, body, { 'content-type': 'application/json', ...headers });

  async function storesNothing(action: () => Promise<{ status: number; json: { code: string } }>) {
    const before = (await stream.all()).length;
    const reply = await action();
    expect((await stream.all()).length).toBe(before);
    return reply;
  }

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      API_KEY_HMAC_SECRET: `${SECRET}, ${ROTATED}, ${WHSEC}`,
      SOURCE_HMAC_SECRETS: `acme-bot:${ACME_KEY},${ACME_WHSEC}`,
      RATE_LIMIT_RPS: '1000',
      // acme-bot answers the very same gateway-scheme request again with its original event.
      SOURCE_POLICY: 'acme-bot:redelivery=original',
    }).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it('accepts a signature made with any configured secret (rotation)', async () => {
    const body = tradingViewAlert();
    expect((await tv(body, signed(ROTATED, body))).status).toBe(202);
  });

  it('401 invalid_signature for a wrong secret or a tampered body', async () => {
    const body = tradingViewAlert();
    const wrong = await storesNothing(() => tv(body, signed('not-the-secret', body)));
    const tampered = await storesNothing(() => tv(body.replace('0.5', '50'), signed(SECRET, body)));

    for (const reply of [wrong, tampered]) {
      expect(reply.status).toBe(401);
      expect(reply.json.code).toBe('invalid_signature');
    }
  });

  it.each(['x-signature', 'x-timestamp', 'x-nonce'])('401 missing_signature without %s', async (header) => {
    const body = tradingViewAlert();
    const headers = signed(SECRET, body);
    delete headers[header];
    const reply = await storesNothing(() => tv(body, headers));

    expect(reply.status).toBe(401);
    expect(reply.json.code).toBe('missing_signature');
  });

  it('the error never echoes the expected signature', async () => {
    const body = tradingViewAlert();
    const headers = signed('wrong', body);
    const expected = signed(SECRET, body, { ts: Number(headers['x-timestamp']), nonce: headers['x-nonce'] });
    const reply = await tv(body, headers);

    expect(JSON.stringify(reply.json)).not.toContain(expected['x-signature'].slice(7));
  });

  it.each([-400, 400])('401 stale_timestamp %i s from now', async (skew) => {
    const body = tradingViewAlert();
    const reply = await tv(body, signed(SECRET, body, { ts: Math.floor(Date.now() / 1000) + skew }));

    expect(reply.status).toBe(401);
    expect(reply.json.code).toBe('stale_timestamp');
  });

  it('401 replayed_nonce for the same signed request twice, stored once', async () => {
    const body = tradingViewAlert();
    const headers = signed(SECRET, body);
    const first = await tv(body, headers);
    const replay = await tv(body, { ...headers, 'idempotency-key': randomUUID() });
    const exact = await tv(body, headers); // X-Nonce is single use: the very request again too

    expect(first.status).toBe(202);
    expect([replay.status, replay.json.code]).toEqual([401, 'replayed_nonce']);
    expect([exact.status, exact.json.code]).toEqual([401, 'replayed_nonce']);
    expect(await stream.about(first.json.event_id)).toHaveLength(2);
  });

  it('accepts Standard Webhooks signatures; the webhook-id is the idempotency key', async () => {
    const body = tradingViewAlert();
    const id = `msg_${randomUUID()}`;
    const sign = (ts: number) => {
      const mac = createHmac('sha256', SECRET).update(`${id}.${ts}.${body}`).digest('base64');
      return {
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': `v1,bm90IGl0 v1,${mac}`,
      };
    };
    const now = Math.floor(Date.now() / 1000);
    const first = await tv(body, sign(now));
    const exactReplay = await tv(body, sign(now));
    const senderRetry = await tv(body, sign(now + 1));

    expect(first.status).toBe(202);
    // The exact delivery again is a redelivery: the original event, nothing new.
    expect([exactReplay.status, exactReplay.json.event_id]).toEqual([200, first.json.event_id]);
    expect(senderRetry.status).toBe(200);
    expect(senderRetry.json.event_id).toBe(first.json.event_id);
  });

  it.each(['evil-bot', 'ACME-BOT'])('403 source_not_allowed for %s', async (source) => {
    const body = JSON.stringify({ source, instrument: 'ETHUSDT', action: 'sell' });
    const reply = await storesNothing(() =>
      post(`${gateway.url}/webhooks/custom`, body, {
        'content-type': 'application/json',
        ...signed(SECRET, body),
      }),
    );

    expect(reply.status).toBe(403);
    expect(reply.json.code).toBe('source_not_allowed');
  });

  /** Headers exactly as a sender using the official `standardwebhooks` library sends them. */
  const standardWebhook = (secret: string, id: string, at: Date, body: string) => ({
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  });

  it('accepts a request signed by the official standardwebhooks library; its retry is a duplicate', async () => {
    const body = tradingViewAlert();
    const id = `msg_${randomUUID()}`;
    const first = await tv(body, standardWebhook(WHSEC, id, new Date(), body));
    const retry = await tv(body, standardWebhook(WHSEC, id, new Date(Date.now() + 1000), body));
    const forged = await storesNothing(() =>
      tv(
        body,
        standardWebhook(
          `whsec_${randomBytes(32).toString('base64')}`,
          `msg_${randomUUID()}`,
          new Date(),
          body,
        ),
      ),
    );

    expect(first.status).toBe(202);
    expect(await stream.about(first.json.event_id)).toHaveLength(2);
    expect(retry.status).toBe(200);
    expect(retry.json.event_id).toBe(first.json.event_id);
    expect(forged.status).toBe(401);
    expect(forged.json.code).toBe('invalid_signature');
  });

  describe('a source with its own secrets (SOURCE_HMAC_SECRETS)', () => {
    const acme = () =>
      JSON.stringify({ source: 'acme-bot', instrument: 'ETHUSDT', action: 'buy', id: randomUUID() });
    const custom = (body: string, headers: Record<string, string>) =>
      post(`${gateway.url}/webhooks/custom`, body, { 'content-type': 'application/json', ...headers });

    it('is accepted with its own secret, in either scheme', async () => {
      const body = acme();
      const other = acme();
      const own = await custom(body, signed(ACME_KEY, body));
      const official = await custom(
        other,
        standardWebhook(ACME_WHSEC, `msg_${randomUUID()}`, new Date(), other),
      );

      expect(own.status).toBe(202);
      expect(official.status).toBe(202);
    });

    it('is refused with a shared secret (401 invalid_signature), nothing stored', async () => {
      const body = acme();
      const reply = await storesNothing(() => custom(body, signed(SECRET, body)));

      expect(reply.status).toBe(401);
      expect(reply.json.code).toBe('invalid_signature');
    });

    // The gateway scheme's X-Nonce is single use (the tradingview cases above refuse the very
    // request again); acme-bot's policy (redelivery=original) answers it with its first event.
    it('answers the very same request again with its original event where its policy says so', async () => {
      const body = acme();
      const headers = signed(ACME_KEY, body);
      const first = await custom(body, headers);
      const again = await custom(body, headers);
      const replay = await custom(body, { ...headers, 'idempotency-key': randomUUID() });

      expect(first.status).toBe(202);
      expect([again.status, again.json.event_id]).toEqual([200, first.json.event_id]);
      expect([replay.status, replay.json.code]).toEqual([401, 'replayed_nonce']);
      expect(await stream.about(first.json.event_id)).toHaveLength(2);
    });

    it('cannot sign for another source with its secret', async () => {
      const body = tradingViewAlert();
      const reply = await storesNothing(() => tv(body, signed(ACME_KEY, body)));

      expect(reply.status).toBe(401);
      expect(reply.json.code).toBe('invalid_signature');
    });
  });
});
