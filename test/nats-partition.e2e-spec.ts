import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { type Outcome, signedLoad, statusCounts } from './support/load';
import { TestNatsCluster } from './support/nats-cluster';
import { StreamReader } from './support/stream';
import { TcpRelay } from './support/tcp-relay';

// CONTRACT 7.3: a NATS node that stops answering without closing the connection (a partition,
// a black-holed node, a dead NAT entry) costs at most a few seconds of 503. Three JetStream
// servers with an R3 stream, each reached by the gateway through a relay; under signed load the
// relay carrying its connection stops passing bytes, closing nothing. The client's own ping would
// notice after about ten seconds; the gateway takes its unacknowledged writes as the hint.
const STREAM = 'e2e-partition';
const SENDERS = 8;
/** Accepted signals before the freeze, and after it: proof the gateway writes again. */
const BATCH = 40;

async function until(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a partitioned NATS node (three servers, an R3 stream, relays)', () => {
  let cluster: TestNatsCluster;
  let relays: TcpRelay[];
  let gateway: GatewayProcess;
  let stream: StreamReader;

  beforeAll(async () => {
    cluster = await new TestNatsCluster(3).start();
    relays = await Promise.all(cluster.servers.map((s) => new TcpRelay(s.port).start()));
    gateway = await new GatewayProcess({
      NATS_URL: relays.map((r) => r.url).join(','),
      NATS_STREAM: STREAM,
      NATS_STREAM_REPLICAS: '3',
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview',
      LOG_LEVEL: 'warn',
    }).start();
    // The test reads the stream straight from the servers, never through a relay.
    stream = await StreamReader.open(cluster.url, STREAM);
  }, 60_000);

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await Promise.all((relays ?? []).map((r) => r.close()));
    await cluster?.dispose();
  });

  it('serves again from another server within 5 s, no answer over 3 s, nothing lost or doubled', async () => {
    let stopLoad!: () => void;
    const load = signedLoad(gateway.url, {
      concurrency: SENDERS,
      until: new Promise<void>((r) => (stopLoad = r)),
    });
    let outcomes: Outcome[] = [];
    let frozenAt = 0;
    try {
      await until(
        async () => (await stream.count()) >= 2 * BATCH,
        'signals stored before the freeze',
        15_000,
      );
      const carrying = relays.filter((r) => r.open > 0);
      expect(carrying).toHaveLength(1); // the gateway's one connection
      frozenAt = performance.now();
      carrying[0].freeze();
      const storedAtFreeze = await stream.count();
      await until(
        async () => (await stream.count()) >= storedAtFreeze + 2 * BATCH,
        'signals stored after the freeze',
        20_000,
      );
    } finally {
      stopLoad();
      outcomes = await load;
    }

    const sentAfter = outcomes.filter((o) => o.at > frozenAt);
    const accepted = (o: Outcome) => o.status === 202;
    const recoveredMs = Math.min(...sentAfter.filter(accepted).map((o) => o.at + o.ms)) - frozenAt;
    const slowestMs = Math.max(...outcomes.map((o) => o.ms));
    const counts = statusCounts(outcomes);
    // The figure docs/operations.md quotes ("A partitioned NATS node").
    process.stdout.write(
      `partition: 2xx again ${(recoveredMs / 1000).toFixed(1)} s after the freeze; ` +
        `${counts['503'] ?? 0} x 503 meanwhile; slowest answer ${Math.round(slowestMs)} ms; ${JSON.stringify(counts)}\n`,
    );

    // Every answer an acceptance or a 503 the sender retries: no other error, none unanswered.
    expect(outcomes.filter((o) => o.status !== 202 && o.status !== 503)).toEqual([]);
    expect(recoveredMs).toBeLessThan(5000);
    expect(slowestMs).toBeLessThan(3000);

    // Read back from JetStream: every accepted signal stored once, raw and normalized; none twice.
    const stored = await stream.all();
    const times = new Map<string, number>();
    for (const m of stored) {
      const key = `${m.subject} ${m.data.raw_event_id ?? m.data.event_id}`;
      times.set(key, (times.get(key) ?? 0) + 1);
    }
    expect([...times.values()].every((n) => n === 1)).toBe(true);
    for (const { eventId } of outcomes.filter(accepted)) {
      expect([times.get(`signals.raw ${eventId}`), times.get(`signals.normalized ${eventId}`)]).toEqual([
        1, 1,
      ]);
    }
  }, 60_000);
});
