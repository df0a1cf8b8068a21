import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapOnExit } from './reap';

export function natsServerBin(): string {
  const found = [
    process.env.NATS_SERVER_BIN,
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
    '/usr/local/bin/nats-server',
  ]
    .filter((p): p is string => !!p)
    .find((p) => existsSync(p));
  if (!found) throw new Error('nats-server not found: apt-get install nats-server, or set NATS_SERVER_BIN');
  return found;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/**
 * A private JetStream nats-server on a free port. stop() kills it hard; start() brings it back
 * with its store. `config`: nats-server configuration (authorization, accounts, tls, operator...)
 * added to the listen address and JetStream store this class sets itself.
 */
export class TestNatsServer {
  private readonly dir = mkdtempSync(join(tmpdir(), 'gw-nats-'));
  private proc?: ChildProcess;
  port = 0;

  constructor(private readonly config?: string) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port ||= await freePort();
    const store = join(this.dir, 'store');
    let args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', store];
    if (this.config !== undefined) {
      const file = join(this.dir, 'nats-server.conf');
      writeFileSync(
        file,
        `listen: "127.0.0.1:${this.port}"\njetstream { store_dir: ${JSON.stringify(store)} }\n${this.config}\n`,
      );
      args = ['-c', file];
    }
    this.proc = reapOnExit(spawn(natsServerBin(), args, { stdio: 'ignore' }));
    for (let i = 0; i < 100 && !(await accepts(this.port)); i++) await new Promise((r) => setTimeout(r, 50));
    return this;
  }

  /** SIGKILL: the way a crashed server goes, with no goodbye to its clients. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    this.proc = undefined;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: a server that hangs with its sockets open, so publishes wait for acks that do not come. */
  async pause(): Promise<void> {
    const pid = this.proc?.pid;
    if (!pid) return;
    process.kill(pid, 'SIGSTOP');
    // The signal is delivered asynchronously: only a stopped process proves the server is frozen.
    while (!/^\d+ \(.*\) T/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) {
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  resume(): void {
    this.proc?.kill('SIGCONT');
  }

  async dispose(): Promise<void> {
    this.resume();
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
