import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { gatewayUsers } from './support/gateway-users';
import { MountedSecret } from './support/mounted-secret';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';

const SENDER = join(__dirname, '../deploy/k8s/components/monitoring/canary/send-canary.mjs');
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

// The canary as shipped (its sender script, run as the CronJob runs it) and trace context, seen
// from outside: what is stored, on which subject, with which headers, and the log line.
describe('the canary and trace context', () => {
  const STREAM = 'e2e-canary';
  const secrets = new MountedSecret().update({ API_KEY_HMAC_SECRET: `[k1]${SECRET}` });
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let stream: StreamReader;

  const logLine = (corrId: string) =>
    gateway.logLines().find((l) => l.context === 'webhook' && l.corr_id === corrId);
  const until = async (what: () => unknown) => {
    while (!what()) await new Promise((r) => setTimeout(r, 20));
  };

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      API_KEY_HMAC_SECRET_FILE: secrets.path('API_KEY_HMAC_SECRET'),
      ALLOWED_SOURCES: 'tradingview,canary',
      ENV: 'test',
      LOG_LEVEL: 'info',
    }).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
    secrets.dispose();
  });

  it('the shipped sender posts a canary that is stored on signals.canary only, with its trace', async () => {
    const before = await stream.lastSeq();
    const run = spawnSync(process.execPath, [SENDER], {
      env: { PATH: process.env.PATH, CANARY_URL: `${gateway.url}/`, CANARY_SECRETS_DIR: secrets.dir },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { status: number; corr_id: string; traceparent: string };
    expect(report.status).toBe(202);

    const stored = await stream.after(before);
    expect(stored.map((m): string[] => [m.subject, String(m.data.schema)])).toEqual([
      ['signals.canary', 'signals.raw.v1'],
      ['signals.canary', 'signals.normalized.v1'],
    ]);
    expect(stored[0].data).toMatchObject({ source: 'canary', corr_id: report.corr_id });
    expect(JSON.parse(stored[0].data.body)).toEqual({
      id: expect.stringMatching(/^canary-/),
      sent_at: expect.any(String),
    });
    // The sender's trace continues in the gateway's own span, the same on both events and the log.
    const [, traceId, senderSpan] = TRACEPARENT.exec(report.traceparent)!;
    const carried = stored.map((m) => m.headers.traceparent);
    expect(carried[0]).toMatch(TRACEPARENT);
    expect(carried[0]).toBe(carried[1]);
    expect(TRACEPARENT.exec(carried[0])!.slice(1)).toEqual([traceId, expect.not.stringMatching(senderSpan)]);
    await until(() => logLine(report.corr_id));
    expect(logLine(report.corr_id)).toMatchObject({ status: 202, source: 'canary', traceparent: carried[0] });
  });

  it('a canary that breaks its schema is dead-lettered on signals.canary too, never signals.dlq', async () => {
    const before = await stream.lastSeq();
    const body = JSON.stringify({ id: 'canary-odd', extra: 'not allowed' });
    const reply = await post(`${gateway.url}/webhooks/canary`, body, {
      'content-type': 'application/json',
      ...signed(SECRET, body),
    });
    expect(reply.status).toBe(422);
    const stored = await stream.after(before);
    expect(stored.map((m): string[] => [m.subject, String(m.data.schema)])).toEqual([
      ['signals.canary', 'signals.raw.v1'],
      ['signals.canary', 'signals.dlq.v1'],
    ]);
  });

  it("is stored under the gateway's least-privilege NATS user (deploy/nats/gateway-users.conf)", async () => {
    const password = 'canary-lp-0c2d';
    const users = gatewayUsers({ gateway: password });
    const secured = await new TestNatsServer(users).start();
    const restricted = await new GatewayProcess({
      NATS_URL: secured.url,
      NATS_USER: 'at-gateway',
      NATS_PASSWORD: password,
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'canary',
      ENV: 'test',
    }).start();
    try {
      const run = spawnSync(process.execPath, [SENDER], {
        env: { PATH: process.env.PATH, CANARY_URL: restricted.url, CANARY_SECRETS_DIR: secrets.dir },
        encoding: 'utf8',
      });
      // The Secret's key carries an id: the sender signs with the secret alone.
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 202 });
    } finally {
      await restricted.stop();
      await secured.dispose();
    }
  });

  it('a webhook without traceparent starts a trace: the same one on both events and the log line', async () => {
    const before = await stream.lastSeq();
    const body = tradingViewAlert();
    const reply = await post(`${gateway.url}/webhooks/tradingview`, body, {
      'content-type': 'application/json',
      ...signed(SECRET, body),
    });
    expect(reply.status).toBe(202);
    const stored = await stream.after(before);
    expect(stored.map((m) => m.subject)).toEqual(['signals.raw', 'signals.normalized']);
    const [raw, normalized] = stored.map((m) => m.headers.traceparent);
    expect(raw).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(normalized).toBe(raw);
    await until(() => logLine(reply.json.corr_id));
    expect(logLine(reply.json.corr_id)?.traceparent).toBe(raw);
  });
});
