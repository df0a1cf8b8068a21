import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';

// Two replicas behind one load balancer share one truth: the nonce store (JetStream KV) and
// idempotency (the stream's duplicate window) live in NATS, not in either process.
describe('two gateway replicas on one NATS', () => {
  let nats: TestNatsServer;
  let replicas: GatewayProcess[];

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    const env = {
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-replicas',
      API_KEY_HMAC_SECRET: SECRET,
      LOG_LEVEL: 'warn',
    };
    replicas = await Promise.all([new GatewayProcess(env).start(), new GatewayProcess(env).start()]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await nats?.dispose();
  });

  const send = (replica: GatewayProcess, body: string, headers: Record<string, string>) =>
    post(`${replica.url}/webhooks/tradingview`, body, { 'content-type': 'application/json', ...headers });

  it('refuses on one replica a nonce the other accepted', async () => {
    const body = tradingViewAlert();
    const headers = signed(SECRET, body);

    expect((await send(replicas[0], body, headers)).status).toBe(202);
    const replay = await send(replicas[1], body, headers);

    expect(replay.status).toBe(401);
    expect(replay.json.code).toBe('replayed_nonce');
  });

  it('answers a duplicate sent to the other replica with 200 and the original event_id', async () => {
    const body = tradingViewAlert();
    const key = { 'idempotency-key': `order-${Date.now()}` };

    const first = await send(replicas[0], body, { ...signed(SECRET, body), ...key });
    const retry = await send(replicas[1], body, { ...signed(SECRET, body), ...key });

    expect(first.status).toBe(202);
    expect(retry.status).toBe(200);
    expect(retry.json).toMatchObject({ status: 'duplicate', event_id: first.json.event_id });
  });
});
