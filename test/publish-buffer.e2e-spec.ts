import { setTimeout as sleep } from 'node:timers/promises';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';

// CONTRACT.md 3: messages handed to the NATS client wait in a buffer the gateway bounds itself,
// by count (PUBLISH_BUFFER_MAX) and by age (PUBLISH_BUFFER_MAX_AGE_MS); nats.js alone would keep
// everything and flush it whenever NATS comes back.
describe('the bounded publish buffer', () => {
  let nats: TestNatsServer;
  let gateway: GatewayProcess;

  const send = (body: string, extra: Record<string, string> = {}) =>
    post(`${gateway.url}/webhooks/tradingview`, body, {
      'content-type': 'application/json',
      ...signed(SECRET, body),
      ...extra,
    });
  const metric = async (name: string) =>
    Number(
      (await (await fetch(`${gateway.url}/metrics`)).text()).match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1],
    );
  const ready = async () => (await fetch(`${gateway.url}/readyz`)).ok;

  beforeEach(async () => {
    nats = await new TestNatsServer().start();
  });

  afterEach(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  it('refuses at once with 503 when full, and a retry of a refused request is safe', async () => {
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-buffer-count',
      API_KEY_HMAC_SECRET: SECRET,
      PUBLISH_BUFFER_MAX: '2', // two nonce claims, or one request's raw + normalized
      NATS_PUBLISH_TIMEOUT_MS: '1500',
    }).start();
    nats.pause();

    const first = tradingViewAlert();
    const key = { 'idempotency-key': 'held-in-buffer' };
    const held = [send(first, key), send(tradingViewAlert())];
    await sleep(200);
    expect(await metric('gateway_publish_buffer_size')).toBe(2);
    let heldAnswered = false;
    void Promise.race(held).then(() => (heldAnswered = true));
    const refused = await send(tradingViewAlert());

    expect(refused.status).toBe(503);
    expect(refused.json.code).toBe('nats_unavailable');
    expect(heldAnswered).toBe(false); // refused while the others still waited for their acks
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([503, 503]); // not acknowledged in time

    // Once NATS wakes up the sender's retry is taken, and the buffer is empty again.
    nats.resume();
    while (!(await ready())) await sleep(50);
    const retry = await send(first, key);
    expect(retry.status).toBe(202);
    expect(await metric('gateway_publish_buffer_size')).toBe(0);
  });

  it('drops what it holds once NATS is away longer than the age bound, and serves again after', async () => {
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-buffer-age',
      API_KEY_HMAC_SECRET: SECRET,
      PUBLISH_BUFFER_MAX_AGE_MS: '1000',
      LOG_LEVEL: 'warn',
    }).start();

    await nats.stop();
    await sleep(1600);
    expect(gateway.output.join('')).toContain('dropping unsent messages and connecting afresh');
    await nats.start();
    while (!(await ready())) await sleep(50);

    expect((await send(tradingViewAlert())).status).toBe(202);
    expect(await metric('gateway_nats_connected')).toBe(1);
  });
});
