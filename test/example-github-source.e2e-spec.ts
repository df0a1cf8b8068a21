import { randomUUID } from 'node:crypto';
import { GithubExampleSourceModule } from '@gateway/sources-example-github';
import { SOURCE_MODULES } from '@gateway/sources-catalog';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { githubSigned } from './support/scheme-signing';
import { metricValue } from './support/keyed-sender';
import { MountedSecret } from './support/mounted-secret';
import { post, signed } from './support/signing';
import { StreamReader } from './support/stream';

// A source signed the GitHub way, added as a team adds one: its folder (source, payload schema,
// normalizer and its own @WebhookVerifier()) and one line in the list of sources. No file of
// libs/security or libs/sources/core knows about it.
const STREAM = 'e2e-example-github';
const GITHUB_SECRET = 'gh-webhook-secret-7c1d2e9a';
const ROTATED_SECRET = 'gh-webhook-secret-rotated-41b9';
const VERIFIED = 'gateway_webhooks_verified_total';

const alert = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    ticker: 'AAPL',
    market: 'NASDAQ',
    direction: 'up',
    shares: '10',
    limit: '189.25',
    ...over,
  });

describe('a GitHub-style source (X-Hub-Signature-256, X-GitHub-Delivery, X-GitHub-Event)', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let stream: StreamReader;
  // Its key in a mounted Secret, as deployed: a rotation reaches its scheme with no restart.
  const secret = new MountedSecret().update({ SOURCE_HMAC_SECRETS: `example-github:[gh-1]${GITHUB_SECRET}` });

  const send = (body: string, headers: Record<string, string>) =>
    post(`${gateway.url}/webhooks/example-github`, body, { 'content-type': 'application/json', ...headers });

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway(
      {
        NATS_URL: nats.url,
        NATS_STREAM: STREAM,
        ALLOWED_SOURCES: 'tradingview,example-github',
        SOURCE_HMAC_SECRETS_FILE: secret.path('SOURCE_HMAC_SECRETS'),
        SECRET_POLL_INTERVAL_MS: '100',
      },
      [...SOURCE_MODULES, GithubExampleSourceModule],
    ).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
    secret.dispose();
  });

  it('202: verified by its own scheme; the delivery id is the idempotency key', async () => {
    const body = alert();
    const delivery = randomUUID();
    const reply = await send(body, githubSigned(GITHUB_SECRET, body, { delivery, event: 'signal' }));

    expect(reply.status).toBe(202);
    const stored = await stream.about(reply.json.event_id);
    expect(stored.find((m) => m.subject === 'signals.raw')?.data).toMatchObject({
      source: 'example-github',
      idempotency_key: delivery,
      body,
    });
    expect(stored.find((m) => m.subject === 'signals.normalized')?.data).toMatchObject({
      instrument: 'AAPL',
      exchange: 'NASDAQ',
      action: 'buy',
      price: 189.25,
      quantity: 10,
    });
  });

  it('200 with the original event_id: a redelivery (the same delivery again); another body under its id is 401', async () => {
    const body = alert();
    const headers = githubSigned(GITHUB_SECRET, body);
    const first = await send(body, headers);
    expect(first.status).toBe(202);

    const redelivery = await send(body, headers);
    expect(redelivery.json).toMatchObject({ status: 'duplicate', event_id: first.json.event_id });
    const other = alert({ shares: '11' });
    const replay = await send(
      other,
      githubSigned(GITHUB_SECRET, other, { delivery: headers['x-github-delivery'] }),
    );
    expect(replay.status).toBe(401);
    expect(replay.json.code).toBe('replayed_nonce');
  });

  it('401 invalid_signature: another secret, a tampered body, or the shared secret it does not own', async () => {
    const body = alert();
    const wrong = await send(body, githubSigned('not-the-secret', body));
    const tampered = await send(alert({ direction: 'down' }), githubSigned(GITHUB_SECRET, body));
    const shared = await send(body, githubSigned(SECRET, body));

    for (const reply of [wrong, tampered, shared]) {
      expect(reply.status).toBe(401);
      expect(reply.json.code).toBe('invalid_signature');
    }
  });

  it('401 missing_signature: without its headers, even with a valid gateway X-Signature', async () => {
    const body = alert();
    const noEvent = { ...githubSigned(GITHUB_SECRET, body), 'x-github-event': '' };
    const gatewayScheme = await send(body, signed(GITHUB_SECRET, body));
    const withoutEvent = await send(body, noEvent);

    for (const reply of [gatewayScheme, withoutEvent]) {
      expect(reply.status).toBe(401);
      expect(reply.json.code).toBe('missing_signature');
    }
  });

  it('422: its payload schema and normalizer apply as for every source', async () => {
    const body = alert({ direction: 'sideways' });
    const reply = await send(body, githubSigned(GITHUB_SECRET, body));

    expect(reply.status).toBe(422);
    expect(reply.json.errors).toEqual([{ field: 'direction', message: 'must be one of up, down, flat' }]);
  });

  it('counts each delivery by the id of its key, and verifies with a rotated key file at once', async () => {
    const count = (key: string) => metricValue(gateway.url, VERIFIED, { source: 'example-github', key });
    const before = await count('gh-1');
    const body = alert();
    expect((await send(body, githubSigned(GITHUB_SECRET, body))).status).toBe(202);
    expect(await count('gh-1')).toBe(before + 1);

    secret.update({ SOURCE_HMAC_SECRETS: `example-github:[gh-2]${ROTATED_SECRET}` });
    let rotated = 0;
    for (let tries = 0; rotated !== 202 && tries < 100; tries++) {
      const fresh = alert();
      rotated = (await send(fresh, githubSigned(ROTATED_SECRET, fresh))).status;
      if (rotated !== 202) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rotated).toBe(202);
    expect(await count('gh-2')).toBe(1);
    const old = await send(body, githubSigned(GITHUB_SECRET, body));
    expect(old.status).toBe(401);
    expect(old.json.code).toBe('invalid_signature');
  });
});
