import { connect, type JetStreamManager, type NatsConnection, type Subscription } from 'nats';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';

// Contract 7.1, stream ownership with NATS_PROVISION=true: the gateway creates what is missing and
// applies a limit only when its own configured value changed. An operator's edit survives the
// periodic checks and a restart; replicas with different settings never undo each other.
const MIB = 2 ** 20;

describe('stream ownership (NATS_PROVISION=true)', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const running: GatewayProcess[] = [];

  const replica = async (stream: string, maxBytes: number) => {
    const gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: stream,
      NATS_STREAM_MAX_BYTES: String(maxBytes),
      API_KEY_HMAC_SECRET: SECRET,
      LOG_LEVEL: 'info',
    }).start();
    running.push(gateway);
    return gateway;
  };
  const maxBytes = async (stream: string) => (await jsm.streams.info(stream)).config.max_bytes;
  const changes = (gateway: GatewayProcess, stream: string) =>
    gateway
      .logLines()
      .map((l) => String(l.msg))
      .filter((m) => m.startsWith(`${stream} changed:`));

  /**
   * Resolves once the gateways have looked at `stream` `times` more times (each periodic check
   * asks for its information): the checks a fight would show in.
   */
  function checks(stream: string, times: number): Promise<void> {
    const sub: Subscription = nc.subscribe(`$JS.API.STREAM.INFO.${stream}`, {
      max: times,
      callback: () => undefined,
    });
    return sub.closed;
  }

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    nc = await connect({ servers: nats.url });
    jsm = await nc.jetstreamManager();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((g) => g.stop()));
    // Every gateway stream holds signals.>: the next test's cannot be created beside it.
    for await (const name of jsm.streams.names()) await jsm.streams.delete(name);
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.dispose();
  });

  it("keeps an operator's edit through the checks and a restart; applies the gateway's own change", async () => {
    const stream = 'e2e-owned-edit';
    let gateway = await replica(stream, 64 * MIB);
    expect(await maxBytes(stream)).toBe(64 * MIB);

    // A stream-full incident: the operator raises the limit, as `nats stream edit` does.
    const { config } = await jsm.streams.info(stream);
    await jsm.streams.update(stream, { ...config, max_bytes: 96 * MIB });
    await checks(stream, 2);
    expect(await maxBytes(stream)).toBe(96 * MIB);
    expect(changes(gateway, stream)).toEqual([]);

    // A restart with the same settings (a rollout, a crash) leaves it too.
    await gateway.stop();
    gateway = await replica(stream, 64 * MIB);
    await checks(stream, 1);
    expect(await maxBytes(stream)).toBe(96 * MIB);
    expect(changes(gateway, stream)).toEqual([]);

    // The gateway's own value changes (a new configuration rolled out): applied, and said so.
    await gateway.stop();
    gateway = await replica(stream, 128 * MIB);
    expect(await maxBytes(stream)).toBe(128 * MIB);
    expect(changes(gateway, stream)).toEqual([
      `${stream} changed: max_bytes ${96 * MIB} bytes -> ${128 * MIB} bytes`,
    ]);
  }, 60_000);

  it('never lets two replicas with different settings undo each other', async () => {
    const stream = 'e2e-owned-two';
    const first = await replica(stream, 64 * MIB);
    // The second comes with a new configuration (a rollout's first new pod): its value is applied once.
    const second = await replica(stream, 96 * MIB);
    expect(await maxBytes(stream)).toBe(96 * MIB);

    // Both keep checking, neither puts its value back.
    await checks(stream, 4);
    expect(await maxBytes(stream)).toBe(96 * MIB);
    expect(changes(first, stream)).toEqual([]);
    expect(changes(second, stream)).toHaveLength(1);
    // The older one says, once, that it leaves the stream as it is.
    const kept = first.logLines().filter((l) => String(l.msg).includes('is kept as it is'));
    expect(kept).toHaveLength(1);
  }, 60_000);
});
