import { answeredWithin } from './support/exposition';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';
import { StreamReader } from './support/stream';
import { countByStatus, sendSpread, slowest, tradingViewRequest } from './support/timed';

// docs/contract.md 6.4: many strategies fire on the same candle close, so one source sends hundreds of
// alerts within a second. TradingView does not retry: with the default policy every one of them
// must be stored and answered 2xx within 3 s (TradingView's own timeout).
describe('a candle-close burst at the default policy', () => {
  const STREAM = 'e2e-candle';
  let nats: TestNatsServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    // No rate setting at all: the defaults are what is tested.
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      API_KEY_HMAC_SECRET: SECRET,
      LOG_LEVEL: 'warn',
    }).start();
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  it('takes 500 signed alerts sent within one second: all 2xx within 3 s, all stored', async () => {
    const requests = Array.from({ length: 500 }, () => tradingViewRequest(gateway.url));

    const replies = await sendSpread(requests, 1000);

    expect(countByStatus(replies)).toEqual({ 202: 500 });
    // Each answered within the gateway's 2.5 s budget (inside TradingView's 3 s), by the gateway's
    // own measure: the client's clock on a shared machine would time the machine, not the gateway.
    expect(await answeredWithin(`${gateway.url}/metrics`, 'tradingview', '2.5')).toEqual({
      answered: 500,
      within: 500,
    });
    const stream = await StreamReader.open(nats.url, STREAM);
    try {
      expect(await stream.count()).toBe(1000); // raw + normalized of each
    } finally {
      await stream.close();
    }
    process.stdout.write(
      `candle close: 500 alerts in 1 s, slowest answer ${Math.round(slowest(replies))} ms\n`,
    );
  }, 30_000);
});
