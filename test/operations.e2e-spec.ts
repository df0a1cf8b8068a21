import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';

// What operators and probes see (docs/contract.md 3).
describe('probes and metrics', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({ NATS_URL: nats.url, NATS_STREAM: 'e2e-ops' }).start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  it('healthz and readyz report a connected NATS and a ready stream', async () => {
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', nats: 'connected', stream_ready: true });
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });

  it('metrics count webhooks by source and status, publishes by subject, and validation errors by type', async () => {
    const ok = tradingViewAlert();
    await post(`${gateway.url}/webhooks/tradingview`, ok, {
      'content-type': 'application/json',
      ...signed(SECRET, ok),
    });
    const bad = tradingViewAlert({ action: 'hold' });
    await post(`${gateway.url}/webhooks/tradingview`, bad, {
      'content-type': 'application/json',
      ...signed(SECRET, bad),
    });

    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(/^gateway_webhooks_received_total\{source="tradingview",status="202"\} 1$/m);
    expect(text).toMatch(/^gateway_webhooks_received_total\{source="tradingview",status="422"\} 1$/m);
    expect(text).toMatch(/^gateway_webhook_duration_seconds_count\{source="tradingview"\} 2$/m);
    expect(text).toMatch(/^gateway_nats_publish_total\{subject="signals.raw",status="ok"\} 2$/m);
    expect(text).toMatch(/^gateway_nats_publish_total\{subject="signals.dlq",status="ok"\} 1$/m);
    expect(text).toMatch(/^gateway_validation_errors_total\{type="schema_validation_failed"\} 1$/m);
    expect(text).toMatch(/^gateway_nats_connected 1$/m);
    expect(text).toMatch(/^gateway_publish_buffer_size 0$/m);
  });

  it('an unknown path is a 404 problem with a correlation id', async () => {
    const res = await fetch(`${gateway.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { corr_id: string }).corr_id).toBe(res.headers.get('x-correlation-id'));
  });
});
