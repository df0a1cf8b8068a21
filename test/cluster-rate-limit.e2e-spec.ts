import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { samplesOf } from './support/exposition';
import { TestNatsServer } from './support/nats-server';
import { countByStatus, customRequest, sendingSeconds, sendTimed, TimedReply } from './support/timed';

// A source with `scope=cluster` has one bucket for all replicas, in the NATS KV bucket
// `<NATS_STREAM>-rate`; replicas lease its tokens in batches (docs/operations.md).
describe('a cluster-wide rate limit across two replicas', () => {
  let nats: TestNatsServer;
  let replicas: GatewayProcess[];

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    const env = {
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-cluster-rate',
      API_KEY_HMAC_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      ALLOWED_SOURCES: 'tradingview,acme-bot,bulk-bot',
      SOURCE_POLICY:
        'acme-bot:rate=1,burst=20,scope=cluster,max_wait_ms=0;bulk-bot:rate=1000,burst=2000,scope=cluster',
    };
    replicas = await Promise.all([new GatewayProcess(env).start(), new GatewayProcess(env).start()]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((r) => r.stop()));
    await nats?.dispose();
  });

  /** `count` requests from `source`, alternating between the replicas, `concurrency` at a time. */
  async function send(source: string, count: number, concurrency: number): Promise<TimedReply[]> {
    const replies: TimedReply[] = [];
    let next = 0;
    const sender = async () => {
      while (next < count) {
        const i = next++;
        replies.push(await sendTimed(customRequest(replicas[i % 2].url, source)));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, sender));
    return replies;
  }

  const leases = async (source: string): Promise<number> => {
    let total = 0;
    for (const replica of replicas) {
      const text = await (await fetch(`${replica.url}/metrics`)).text();
      total += samplesOf(text).find(
        (s) => s.name === 'gateway_rate_leases_total' && s.labels.source === source,
      )!.value;
    }
    return total;
  };

  it('holds both replicas together to one burst and one rate', async () => {
    const replies = await send('acme-bot', 60, 4);

    const counts = countByStatus(replies);
    expect(Object.keys(counts).sort()).toEqual(['202', '429']);
    // Per replica it would be 2 x 20; cluster-wide it is the one burst and 1/s while sending.
    expect(counts[202]).toBeGreaterThanOrEqual(20);
    expect(counts[202]).toBeLessThanOrEqual(20 + Math.ceil(sendingSeconds(replies)) + 1);
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.every((r) => r.code === 'rate_limited' && r.retryAfter! >= 1)).toBe(true);
  });

  it('costs a few round trips per thousand requests, not one each', async () => {
    const replies = await send('bulk-bot', 1000, 16);

    expect(countByStatus(replies)).toEqual({ 202: 1000 });
    const roundTrips = await leases('bulk-bot');
    // Batches of 100 ms of the rate (100 tokens), enlarged to whatever is waiting at the time.
    expect(roundTrips).toBeLessThanOrEqual(30);
    process.stdout.write(`cluster-wide limit: ${roundTrips} leases for 1000 requests on 2 replicas\n`);
  }, 30_000);
});
