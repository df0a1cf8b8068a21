import { setTimeout as sleep } from 'node:timers/promises';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { acceptedButNotStoredOnce, Outcome, signedLoad, slowestMs, statusCounts } from './support/load';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';

// docs/contract.md 1.2 and 3 under fire: the nats-server is SIGKILLed and restarted while signed
// webhooks keep arriving. Afterwards every 2xx has its events stored exactly once, every other
// answer is a 503, none took longer than TradingView's patience allows, and the same process
// serves again.
describe('chaos: NATS killed and restarted under load', () => {
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let outcomes: Outcome[];
  let stored: Map<string, number>;
  let awayMs = 0;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-chaos',
      API_KEY_HMAC_SECRET: SECRET,
      RATE_LIMIT_RPS: '100000',
      LOG_LEVEL: 'warn',
    }).start();

    const ready = async () => (await fetch(`${gateway.url}/readyz`)).ok;
    const outage = (async () => {
      await sleep(2500);
      const killed = performance.now();
      await nats.stop();
      await sleep(2000);
      await nats.start();
      awayMs = Math.round(performance.now() - killed);
      while (!(await ready())) await sleep(50);
      await sleep(2500);
    })();
    outcomes = await signedLoad(gateway.url, { concurrency: 8, until: outage });

    const reader = await StreamReader.open(nats.url, 'e2e-chaos');
    stored = await reader.census();
    await reader.close();
    const refused = outcomes.filter((o) => o.status !== 202).map((o) => o.at);
    console.log(
      `chaos: ${outcomes.length} requests, statuses ${JSON.stringify(statusCounts(outcomes))}, ` +
        `slowest ${Math.round(slowestMs(outcomes))} ms, NATS away ${awayMs} ms, ` +
        `refusing for ${Math.round(Math.max(...refused) - Math.min(...refused))} ms`,
    );
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  it('answered every request with 202 or 503, and both happened', () => {
    const counts = statusCounts(outcomes);
    expect(Object.keys(counts).sort()).toEqual(['202', '503']);
    expect(outcomes.filter((o) => o.status === 503).every((o) => o.code === 'nats_unavailable')).toBe(true);
  });

  it('stored the raw and normalized events of every 202 exactly once', () => {
    expect(acceptedButNotStoredOnce(outcomes, stored)).toEqual([]);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
  });

  it('serves again in the same process, without a restart', async () => {
    const body = tradingViewAlert();
    const reply = await post(`${gateway.url}/webhooks/tradingview`, body, {
      'content-type': 'application/json',
      ...signed(SECRET, body),
    });
    // GatewayProcess never restarts what it spawned: this is the process that saw the outage.
    expect(reply.status).toBe(202);
  });
});
