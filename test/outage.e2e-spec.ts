import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';

// Fail-closed (docs/contract.md 1.2, 3): with NATS gone nothing is accepted, the pod stays alive,
// readiness fails, and service resumes by itself when NATS is back.
describe('NATS outage', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;

  const send = () => {
    const body = tradingViewAlert();
    return post(`${gateway.url}/webhooks/tradingview`, body, {
      'content-type': 'application/json',
      ...signed(SECRET, body),
    });
  };
  const health = async () => (await fetch(`${gateway.url}/healthz`)).json() as Promise<{ nats: string }>;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({ NATS_URL: nats.url, NATS_STREAM: 'e2e-outage' }).start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  it('while NATS is down: 503 with Retry-After at once, liveness 200, readiness 503', async () => {
    expect((await send()).status).toBe(202);
    await nats.stop();
    await gateway.until(async () => (await health()).nats === 'disconnected', 'disconnect noticed');

    const reply = await send();
    expect(reply.status).toBe(503);
    expect(reply.json.code).toBe('nats_unavailable');
    expect(reply.headers.get('retry-after')).toBe('1');
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    expect(await (await fetch(`${gateway.url}/metrics`)).text()).toMatch(/^gateway_nats_connected 0$/m);
  });

  it('serves again once NATS is back, without a restart', async () => {
    await nats.start();
    await gateway.until(
      async () => (await fetch(`${gateway.url}/readyz`)).status === 200,
      'ready again',
      20_000,
    );

    expect((await send()).status).toBe(202);
    expect(await health()).toMatchObject({ nats: 'connected', stream_ready: true });
  });
});
