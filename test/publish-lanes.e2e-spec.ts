import { setTimeout as sleep } from 'node:timers/promises';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';
import { customRequest, sendTimed, tradingViewRequest } from './support/timed';

// docs/contract.md 6.4: critical sources keep a share of the publish buffer, so under pressure normal
// sources are refused first. A frozen NATS (SIGSTOP) holds every write in the buffer.
describe('the critical lane of the publish buffer', () => {
  let nats: TestNatsServer;
  let gateway: GatewayProcess;

  const bufferSize = async () =>
    Number(
      (await (await fetch(`${gateway.url}/metrics`)).text()).match(
        /^gateway_publish_buffer_size (\S+)$/m,
      )?.[1],
    );

  async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
    const end = Date.now() + 1500;
    while (!(await condition())) {
      if (Date.now() > end) throw new Error(`not within 1500 ms: ${what}`);
      await sleep(20);
    }
  }

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-lanes',
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview,acme-bot',
      SOURCE_POLICY: 'tradingview:priority=critical',
      PUBLISH_BUFFER_MAX: '4',
      PUBLISH_BUFFER_CRITICAL_SHARE: '50', // 2 of the 4 places only for TradingView
      NATS_PUBLISH_TIMEOUT_MS: '2000',
    }).start();
  }, 30_000);

  afterAll(async () => {
    nats?.resume();
    await gateway?.stop();
    await nats?.dispose();
  });

  it('refuses a normal source once only the reserve is left, and still takes the critical one', async () => {
    await nats.pause();
    const held = [customRequest, customRequest].map((request) => sendTimed(request(gateway.url, 'acme-bot')));
    await until(async () => (await bufferSize()) === 2, 'both normal nonce claims held');

    const refused = await sendTimed(customRequest(gateway.url, 'acme-bot'));
    const critical = sendTimed(tradingViewRequest(gateway.url));
    await until(async () => (await bufferSize()) === 3, 'the critical nonce claim held in the reserve');
    nats.resume();

    expect([refused.status, refused.code]).toEqual([503, 'nats_unavailable']);
    expect((await critical).status).toBe(202);
    await Promise.all(held);
  });
});
