import { eventSchemaEntries } from '@gateway/contracts';
import { DlqHealer } from '@gateway/dead-letters';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, DiscardPolicy, type JetStreamManager, type NatsConnection, nanos } from 'nats';
import { samplesOf } from './support/exposition';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { post, sendSigned, signed, tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';
import { waitFor } from './support/wait-for';

// docs/contract.md 6.1: the gateway works under a NATS user that may do no more than it needs. The
// users are deploy/nats/gateway-users.conf verbatim (plus an admin for the test's own checks).
const PASSWORD = 'lp-password-0b1c';
const ADMIN = { user: 'admin', pass: 'admin-password' };
const users = readFileSync(join(__dirname, '../deploy/nats/gateway-users.conf'), 'utf8')
  .replaceAll('$AT_GATEWAY_NATS_PASSWORD', `"${PASSWORD}"`)
  .replaceAll('$AT_GATEWAY_DLQ_REPLAY_NATS_PASSWORD', '"replay-password-unused"')
  .replace('users = [', `users = [\n { user: ${ADMIN.user}, password: "${ADMIN.pass}" }`);

type Health = { nats_failing: { cause: string; message: string } | null };

describe('least privilege (deploy/nats/gateway-users.conf)', () => {
  let nats: TestNatsServer;
  let admin: NatsConnection;
  let gateway: TestGateway | undefined;

  const health = async (): Promise<Health> =>
    (await fetch(`${gateway!.url}/healthz`)).json() as Promise<Health>;

  /** A webhook 202 stored, a replayed nonce 401, a schema failure 422 dead-lettered: every write the gateway makes. */
  async function ingestsEverything(): Promise<void> {
    const events = await StreamReader.open(nats.url, 'trading-events', ADMIN);
    try {
      const body = tradingViewAlert();
      const headers = { 'content-type': 'application/json', ...signed(SECRET, body) };
      const accepted = await post(`${gateway!.url}/webhooks/tradingview`, body, headers);
      expect(accepted.status).toBe(202);
      expect(await events.about(accepted.json.event_id)).toHaveLength(2);
      expect((await post(`${gateway!.url}/webhooks/tradingview`, body, headers)).status).toBe(401);
      // A duplicate raw event's fingerprint is read back (STREAM.MSG.GET on the stream).
      expect((await sendSigned(gateway!.url, 'tradingview', body)).status).toBe(200);
      const { id } = JSON.parse(body) as { id: string };
      const reused = await sendSigned(gateway!.url, 'tradingview', tradingViewAlert({ id, price: '1' }));
      expect(reused.json.code).toBe('idempotency_key_reused');
      const invalid = await sendSigned(
        gateway!.url,
        'tradingview',
        tradingViewAlert({ ticker: undefined, action: 'hold' }),
      );
      expect(invalid.status).toBe(422);
      expect((await events.about(invalid.json.raw_event_id)).map((m) => m.subject).sort()).toEqual([
        'signals.dlq',
        'signals.raw',
      ]);
      expect((await health()).nats_failing).toBeNull();
    } finally {
      await events.close();
    }
  }

  /**
   * The stream as its owning team makes it, with settings of its own choosing (a 1-day limit),
   * made afresh so no test depends on what an earlier one left.
   */
  async function ownersCreateStream(): Promise<JetStreamManager> {
    const jsm = await admin.jetstreamManager();
    if ((await jsm.streams.names().next()).includes('trading-events'))
      await jsm.streams.delete('trading-events');
    await jsm.streams.add({
      name: 'trading-events',
      subjects: ['signals.>'],
      duplicate_window: nanos(3600_000),
      max_age: nanos(86400_000),
      discard: DiscardPolicy.New,
    });
    return jsm;
  }

  /**
   * The dead-letter healer under the same user: a pass reads signals.dlq with its durable, looks
   * the raw events up, keeps its ledger, and fails nowhere (the dead letters stay unrecoverable).
   */
  async function healsDeadLetters(): Promise<void> {
    await gateway!.get(DlqHealer).runPass();
    const samples = samplesOf(await (await fetch(`${gateway!.url}/metrics`)).text());
    const value = (name: string, label: string) =>
      samples.find((s) => s.name === name && Object.values(s.labels).includes(label))?.value;
    expect(value('gateway_dlq_heal_passes_total', 'failed')).toBe(0);
    expect(value('gateway_dlq_heal_passes_total', 'completed')).toBeGreaterThanOrEqual(1);
    expect(value('gateway_dlq_heal_total', 'unrecoverable')).toBeGreaterThanOrEqual(1);
  }

  beforeAll(async () => {
    nats = await new TestNatsServer(users).start();
    admin = await connect({ servers: nats.url, ...ADMIN });
  });

  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });

  afterAll(async () => {
    await admin?.close();
    await nats?.dispose();
  });

  it('NATS_PROVISION=false: not ready while the stream is missing, and says so; ingests once the owners create it', async () => {
    const env = {
      NATS_URL: nats.url,
      NATS_USER: 'at-gateway-checked',
      NATS_PASSWORD: PASSWORD,
      NATS_PROVISION: 'false',
      DLQ_HEAL: 'true',
    };
    // What an operator sees: not ready, and the probes name what is missing.
    gateway = await new TestGateway(env).start({ waitForReady: false });
    await waitFor(async () => (await health()).nats_failing?.cause === 'stream_missing', 'stream_missing');
    expect((await health()).nats_failing?.message).toContain('stream trading-events does not exist');
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    await gateway.stop();

    // The owning team creates them, with settings of its own choosing.
    const jsm = await ownersCreateStream();
    // The TTL the gateway asks for: 2 × REPLAY_WINDOW_SEC + REQUEST_TIMEOUT_MS + the 2.2 s store budget.
    await admin.jetstream().views.kv('trading-events-nonces', { history: 1, ttl: 613_000 });
    // The schema registry is theirs too: the gateway may read it, not create or fill it.
    await expect(new TestGateway(env).start()).rejects.toThrow(
      /schema_missing: schema registry at-schemas does not exist/,
    );
    const registry = await admin.jetstream().views.kv('at-schemas');
    for (const { id, schema } of eventSchemaEntries('v1')) await registry.create(id, JSON.stringify(schema));

    gateway = await new TestGateway(env).start();
    await ingestsEverything();
    await healsDeadLetters();
    // Left as the owners made them: nothing changed without the right to.
    expect((await jsm.streams.info('trading-events')).config.max_age).toBe(nanos(86400_000));
  });

  it("NATS_PROVISION=true: reconciles the owners' stream, re-creates a deleted one, with its own user", async () => {
    const jsm = await ownersCreateStream();
    gateway = await new TestGateway({
      NATS_URL: nats.url,
      NATS_USER: 'at-gateway',
      NATS_PASSWORD: PASSWORD,
      DLQ_HEAL: 'true',
    }).start();
    // The owners' stream, with its 1-day limit, is brought in line (STREAM.UPDATE).
    const wanted = { discard: DiscardPolicy.New, max_age: nanos(7 * 86400_000), max_bytes: 2 ** 30 };
    expect((await jsm.streams.info('trading-events')).config).toMatchObject(wanted);
    await ingestsEverything();
    await healsDeadLetters();

    // Deleted while running: created again (STREAM.CREATE) and serving within seconds.
    await jsm.streams.delete('trading-events');
    const end = Date.now() + 5000;
    let status = 0;
    while (status !== 202 && Date.now() < end) {
      status = (await sendSigned(gateway.url, 'tradingview', tradingViewAlert())).status;
    }
    expect(status).toBe(202);
    expect((await jsm.streams.info('trading-events')).config).toMatchObject(wanted);
  });

  it('NATS_PROVISION=true: a cluster-wide rate limit creates and leases its bucket with its own user', async () => {
    gateway = await new TestGateway({
      NATS_URL: nats.url,
      NATS_USER: 'at-gateway',
      NATS_PASSWORD: PASSWORD,
      SOURCE_POLICY: 'tradingview:scope=cluster,rate=10,burst=2,max_wait_ms=0',
    }).start();
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await sendSigned(gateway.url, 'tradingview', tradingViewAlert())).status);
    expect(statuses).toEqual([202, 202, 429]);
    expect((await health()).nats_failing).toBeNull();
  });

  it('a permission missing: 503 (never 500), and /healthz names the denied subject', async () => {
    const server = new TestNatsServer(
      users.replace('"signals.raw", "signals.normalized", "signals.dlq",', '"signals.raw", "signals.dlq",'),
    );
    await server.start();
    try {
      gateway = await new TestGateway({
        NATS_URL: server.url,
        NATS_USER: 'at-gateway',
        NATS_PASSWORD: PASSWORD,
      }).start();
      const reply = await sendSigned(gateway.url, 'tradingview', tradingViewAlert());
      expect(reply.status).toBe(503);
      expect(reply.json.code).toBe('nats_unavailable');
      expect((await health()).nats_failing).toMatchObject({
        cause: 'permission',
        message: expect.stringContaining('not permitted to publish signals.normalized'),
      });
    } finally {
      await gateway?.stop();
      gateway = undefined;
      await server.dispose();
    }
  });
});
