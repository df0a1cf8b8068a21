import { setTimeout as sleep } from 'node:timers/promises';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { acceptedButNotStoredOnce, Outcome, signedLoad, statusCounts } from './support/load';
import { TestNatsServer } from './support/nats-server';
import { StreamReader } from './support/stream';

// A rolling deploy as one replica sees it: SIGTERM arrives while webhooks keep coming. Requests
// already inside finish and are stored; later ones find the door shut (the load balancer sends
// them to another replica); nothing answered 2xx is lost, and the process exits 0.
describe('rolling shutdown: SIGTERM under load', () => {
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let outcomes: Outcome[];
  let exit: { code: number | null; signal: NodeJS.Signals | null };

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-rolling',
      API_KEY_HMAC_SECRET: SECRET,
      RATE_LIMIT_RPS: '100000',
      LOG_LEVEL: 'warn',
    }).start();

    const terminated = (async () => {
      await sleep(1500);
      gateway.signal('SIGTERM');
      exit = await gateway.exited;
      await sleep(200); // a few senders meet the closed port, as they would behind a load balancer
    })();
    outcomes = await signedLoad(gateway.url, { concurrency: 8, until: terminated });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  it('exits 0', () => {
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('answers 202 until it stops taking connections, and nothing but connection refusals after', () => {
    const counts = statusCounts(outcomes);
    expect(counts['202']).toBeGreaterThan(0);
    expect(counts['0']).toBeGreaterThan(0);
    // No 5xx: everything taken in was published before NATS was drained.
    expect(Object.keys(counts).sort()).toEqual(['0', '202']);
  });

  it('stored every 202 exactly once', async () => {
    const reader = await StreamReader.open(nats.url, 'e2e-rolling');
    const stored = await reader.census();
    await reader.close();
    expect(acceptedButNotStoredOnce(outcomes, stored)).toEqual([]);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
  });
});
