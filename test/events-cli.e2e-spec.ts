import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';

const SCRIPT = join(__dirname, '../scripts/show-events.mjs');
const STREAM = 'e2e-events-cli';

/** `npm run events -- <args>`, as a developer types it. */
function events(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      { env: { PATH: process.env.PATH, NATS_STREAM: STREAM, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

// The README's way to see what the gateway stored.
describe('npm run events', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({ NATS_URL: nats.url, NATS_STREAM: STREAM }).start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  it('--help prints its usage; exit 0', async () => {
    const run = await events(['--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: npm run events');
    expect(run.stdout).toContain('NATS_URL');
  });

  it('prints the newest events of the stream at NATS_URL, and says which stream where', async () => {
    const body = tradingViewAlert();
    const reply = await post(`${gateway.url}/webhooks/tradingview`, body, {
      'content-type': 'application/json',
      ...signed(SECRET, body),
    });

    const run = await events(['2'], { NATS_URL: nats.url });

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`stream ${STREAM} at ${nats.url}`);
    const lines = run.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['signals.raw', 'signals.normalized']);
    expect(lines[0]).toContain(String(reply.json.event_id));
  });

  it('names the server, without its credentials, when nothing answers there; exit 2', async () => {
    const run = await events([], { NATS_URL: 'nats://gw:s3cret@127.0.0.1:1' });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no NATS at nats://127.0.0.1:1');
    expect(run.stderr).not.toContain('s3cret');
  });
});
