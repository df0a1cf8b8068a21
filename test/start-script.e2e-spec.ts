import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, TestNatsServer } from './support/nats-server';
import { reapOnExit } from './support/reap';

const SCRIPT = join(__dirname, '../scripts/start.sh');

/** `npm start` with `env`, until its gateway says it serves (or the script ends). */
async function npmStart(env: Record<string, string>): Promise<{ proc: ChildProcess; output: () => string }> {
  const chunks: string[] = [];
  const proc = reapOnExit(
    spawn('bash', [SCRIPT], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(await freePort()), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  proc.stdout.on('data', (d: Buffer) => chunks.push(d.toString()));
  proc.stderr.on('data', (d: Buffer) => chunks.push(d.toString()));
  const output = () => chunks.join('');
  while (!output().includes('serving on') && proc.exitCode === null)
    await new Promise((r) => setTimeout(r, 100));
  return { proc, output };
}

async function stop(proc: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  proc.kill('SIGTERM');
  return exited;
}

// `npm start` says where its NATS is, and never swaps the one a developer chose for another.
describe('npm start (scripts/start.sh)', () => {
  let nats: TestNatsServer;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
  });

  afterAll(async () => {
    await nats?.dispose();
  });

  it('against a NATS that answers: says it creates the stream there, and serves', async () => {
    const { proc, output } = await npmStart({ NATS_URL: nats.url, NATS_STREAM: 'e2e-start-script' });

    expect(output()).toContain(
      `start: NATS answers at ${nats.url}: the gateway creates stream e2e-start-script and bucket e2e-start-script-nonces there if missing`,
    );
    expect(output()).toContain('serving on');
    expect(await stop(proc)).toBe(0);
  });

  it('a NATS_URL that does not answer is kept (no development server elsewhere), named without its password', async () => {
    const port = await freePort();
    const { proc, output } = await npmStart({ NATS_URL: `nats://gw:s3cret@127.0.0.1:${port}` });

    expect(output()).toContain(
      `start: NATS_URL=nats://127.0.0.1:${port} does not answer: the gateway starts and waits for it`,
    );
    expect(output()).toContain(`NATS unreachable: CONNECTION_REFUSED at nats://127.0.0.1:${port}`);
    expect(output()).not.toContain('development nats-server on');
    expect(output()).not.toContain('s3cret');
    expect(await stop(proc)).toBe(0);
  });
});
