import { randomUUID } from 'node:crypto';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { post, signed } from './support/signing';

// Per-source token buckets (docs/contract.md 1.5): RATE_LIMIT_BURST at once, then RATE_LIMIT_RPS. With
// RATE_LIMIT_MAX_WAIT_MS=0 nothing is shaped: over the rate is a 429 at once (test/source-isolation
// covers the waits).
describe('per-source rate limit', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;

  const custom = (source: string) => {
    const body = JSON.stringify({ source, instrument: 'ETHUSDT', action: 'buy', id: randomUUID() });
    return post(`${gateway.url}/webhooks/custom`, body, {
      'content-type': 'application/json',
      ...signed(SECRET, body),
    });
  };

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-rate',
      RATE_LIMIT_RPS: '2',
      RATE_LIMIT_BURST: '3',
      RATE_LIMIT_MAX_WAIT_MS: '0',
      ALLOWED_SOURCES: 'acme-bot,busy-bot,spent-bot',
    }).start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  it('429 with Retry-After once a source spends its burst; other sources are unaffected', async () => {
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await custom('busy-bot'));
    const limited = replies.find((r) => r.status === 429);

    expect(replies.slice(0, 3).map((r) => r.status)).toEqual([202, 202, 202]);
    expect(limited?.json.code).toBe('rate_limited');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Retry-After is the whole story: a bucket that shapes has no honest X-RateLimit-Remaining.
    const rateHeaders = (r: { headers: Headers }) =>
      [...r.headers.keys()].filter((name) => /^x-ratelimit|^retry-after-/.test(name));
    expect([replies[0], limited].flatMap((r) => (r ? rateHeaders(r) : ['missing']))).toEqual([]);
    expect((await custom('acme-bot')).status).toBe(202);
  });

  it('a 429 uses up the nonce: the very same request after the bucket refilled is a replay', async () => {
    for (let i = 0; i < 3; i++) expect((await custom('spent-bot')).status).toBe(202);
    const body = JSON.stringify({
      source: 'spent-bot',
      instrument: 'ETHUSDT',
      action: 'buy',
      id: randomUUID(),
    });
    const headers = { 'content-type': 'application/json', ...signed(SECRET, body) };
    const limited = await post(`${gateway.url}/webhooks/custom`, body, headers);
    expect(limited.status).toBe(429);

    await new Promise((resolve) => setTimeout(resolve, Number(limited.headers.get('retry-after')) * 1000));
    const replayed = await post(`${gateway.url}/webhooks/custom`, body, headers);
    expect([replayed.status, replayed.json.code]).toEqual([401, 'replayed_nonce']);
    // Re-signed (a new nonce, the same payload id), it is accepted once.
    const resigned = await post(`${gateway.url}/webhooks/custom`, body, {
      'content-type': 'application/json',
      ...signed(SECRET, body),
    });
    expect(resigned.status).toBe(202);
  });

  it('unauthenticated requests do not spend a source budget', async () => {
    for (let i = 0; i < 10; i++) {
      const body = JSON.stringify({ source: 'acme-bot', instrument: 'X', action: 'buy' });
      const reply = await post(`${gateway.url}/webhooks/custom`, body, {
        'content-type': 'application/json',
        ...signed('wrong-secret', body),
      });
      expect(reply.status).toBe(401);
    }
    expect((await custom('acme-bot')).status).toBe(202);
  });

  it('probes and metrics are never rate limited', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${gateway.url}/${['healthz', 'metrics'][i % 2]}`).then((r) => r.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
  });
});
