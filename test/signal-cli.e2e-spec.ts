import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';

const SCRIPT = join(__dirname, '../scripts/send-signal.mjs');

/** `npm run signal -- <args>`, as an operator types it. */
function signal(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      { env: { PATH: process.env.PATH, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

// The operator's tool to sign and send a test signal (README), against the real gateway.
describe('npm run signal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-signal-'));
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let stream: StreamReader;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({ NATS_URL: nats.url, NATS_STREAM: 'e2e-signal-cli' }).start();
    stream = await StreamReader.open(nats.url, 'e2e-signal-cli');
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--source tradingview --file alert.json: signs it, prints the 202 and the event id; exit 0', async () => {
    const file = join(dir, 'alert.json');
    writeFileSync(file, tradingViewAlert());

    const run = await signal(['--source', 'tradingview', '--file', file], {
      GATEWAY_URL: gateway.url,
      API_KEY_HMAC_SECRET: SECRET,
    });

    expect(run.code).toBe(0);
    const [status, body] = run.stdout.trim().split('\n');
    expect(status).toBe('HTTP 202');
    const reply = JSON.parse(body) as { status: string; event_id: string };
    expect(reply.status).toBe('accepted');
    expect((await stream.about(reply.event_id)).map((m) => m.subject).sort()).toEqual([
      'signals.normalized',
      'signals.raw',
    ]);
  });

  it('--secret as API_KEY_HMAC_SECRET lists a key, [id]secret: signs with the secret; exit 0', async () => {
    const run = await signal(['--url', gateway.url, '--secret', `[k1]${SECRET}`]);

    expect(run.stdout).toMatch(/^HTTP 202\n/);
    expect(run.code).toBe(0);
  });

  it('prints a refusal as the gateway words it; exit 1', async () => {
    const run = await signal(['--body', '{"action":"buy"}', '--url', gateway.url, '--secret', SECRET]);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^HTTP 422\n/);
    expect(run.stdout).toContain('"code":"schema_validation_failed"');
  });

  it('says so when nothing answers; exit 2', async () => {
    const run = await signal(['--url', 'http://127.0.0.1:1']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no answer from http://127.0.0.1:1/webhooks/tradingview');
  });

  it('explains its options on a mistyped one; exit 2', async () => {
    const run = await signal(['--sauce', 'x']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run signal');
  });
});
