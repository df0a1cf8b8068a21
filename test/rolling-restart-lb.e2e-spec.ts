import { setTimeout as sleep } from 'node:timers/promises';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { Balancer } from './support/haproxy';
import { acceptedButNotStoredOnce, Outcome, signedLoad, statusCounts } from './support/load';
import { freePort, TestNatsServer } from './support/nats-server';
import { sendSigned, tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';

const CHECK_INTERVAL_MS = 100;
// Many health-check rounds (fall 2 x 100 ms): the balancer takes a stopping replica out well
// within it. Production's default (10 s) covers a 2-5 s check interval the same way.
const SHUTDOWN_DELAY_MS = 2500;

// docs/contract.md 6.3: a rolling restart behind a load balancer that never retries loses nothing.
// Two replicas behind HAProxy; keep-alive signed load through it; each replica in turn gets
// SIGTERM, exits, and starts again on its port while the load runs.
describe('rolling restart behind a load balancer (HAProxy, no retries)', () => {
  let nats: TestNatsServer;
  let replicas: GatewayProcess[];
  let ports: number[];
  let balancer: Balancer;
  let outcomes: Outcome[];
  const exits: { code: number | null; signal: NodeJS.Signals | null }[] = [];

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    const env = {
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-lb-restart',
      API_KEY_HMAC_SECRET: SECRET,
      RATE_LIMIT_RPS: '100000',
      LOG_LEVEL: 'warn',
      SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
    };
    ports = [await freePort(), await freePort()];
    replicas = await Promise.all(ports.map((port) => new GatewayProcess(env).start({ port })));
    balancer = await new Balancer({ backends: ports, checkIntervalMs: CHECK_INTERVAL_MS }).start();
    const allUp = async () => [...(await balancer.serverStates()).values()].every((s) => s === 'UP');
    await balancer.until(allUp, 'both replicas UP');

    const restarts = (async () => {
      await sleep(1000);
      for (const [i, replica] of replicas.entries()) {
        replica.signal('SIGTERM');
        exits.push(await replica.exited);
        await replica.start({ port: ports[i] });
        // The next replica may stop only once the balancer sends to this one again.
        await balancer.until(allUp, `s${i} UP again`);
        await sleep(500);
      }
    })();
    outcomes = await signedLoad(balancer.url, { concurrency: 8, until: restarts });
  }, 90_000);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all((replicas ?? []).map((r) => r.stop()));
    await nats?.dispose();
  });

  it('restarts each replica cleanly: both exit 0', () => {
    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });

  it('fails no request: every answer through the balancer is a 202', () => {
    const counts = statusCounts(outcomes);
    // The figure reported in docs/operations.md comes from this line.
    process.stdout.write(`rolling restart behind HAProxy: ${JSON.stringify(counts)}\n`);
    expect(outcomes.length).toBeGreaterThan(100);
    const failed = outcomes.filter((o) => o.status !== 202);
    expect(failed.slice(0, 5)).toEqual([]);
    expect(Object.keys(counts)).toEqual(['202']);
  });

  it('stores every 202 exactly once', async () => {
    const reader = await StreamReader.open(nats.url, 'e2e-lb-restart');
    const stored = await reader.census();
    await reader.close();
    expect(acceptedButNotStoredOnce(outcomes, stored)).toEqual([]);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
  });

  it("with NATS down for every replica, none is ready, and the balancer (failing open) passes on the gateway's 503 + Retry-After", async () => {
    await nats.stop();
    const states = async () => [...(await balancer.serverStates()).values()];
    await balancer.until(async () => (await states()).every((s) => s === 'DOWN'), 'both replicas unready');

    const reply = await sendSigned(balancer.url, 'tradingview', tradingViewAlert());
    expect(reply.status).toBe(503);
    expect(reply.json.code).toBe('nats_unavailable');
    expect(reply.headers.get('retry-after')).toBe('1');
  });
});
