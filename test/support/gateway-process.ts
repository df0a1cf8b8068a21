import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines } from './json-lines';
import { freePort } from './nats-server';
import { reapOnExit } from './reap';
import { waitFor } from './wait-for';

const MAIN = join(__dirname, '../../dist/apps/gateway/main.js');

/** The built gateway as its own process, as production runs it (`npm run build` first). */
export class GatewayProcess {
  private proc?: ChildProcess;
  readonly output: string[] = [];
  exited!: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  url = '';
  /** The management port's address, when started with `managementPort`. */
  managementUrl = '';

  constructor(private readonly env: Record<string, string>) {}

  get pid(): number {
    return this.proc!.pid!;
  }

  /**
   * Spawns it; resolves once /readyz answers 200 (NATS and stream ready), or once it exits (see
   * `exited`). `port`: listen there (a restart behind a load balancer keeps its address).
   * `managementPort`: with a MANAGEMENT_PORT of its own (then probed there): `true` for a free
   * one, or the port (a restart keeps its balancer's health checks).
   */
  async start({
    waitForReady = true,
    port = 0,
    managementPort = false,
  }: { waitForReady?: boolean; port?: number; managementPort?: boolean | number } = {}): Promise<this> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
    port ||= await freePort();
    this.url = `http://127.0.0.1:${port}`;
    const management: Record<string, string> = {};
    if (managementPort) {
      management.MANAGEMENT_PORT = String(managementPort === true ? await freePort() : managementPort);
      this.managementUrl = `http://127.0.0.1:${management.MANAGEMENT_PORT}`;
    }
    this.proc = reapOnExit(
      spawn(process.execPath, [MAIN], {
        env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', ...management, ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    this.proc.stdout!.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.exited = new Promise((resolve) =>
      this.proc!.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (waitForReady && !gone) {
      const ok = await fetch(`${this.managementUrl || this.url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return this;
  }

  signal(signal: NodeJS.Signals): void {
    this.proc?.kill(signal);
  }

  async stop(): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  /**
   * The first JSON log line `match` accepts, once it is written: pino writes asynchronously, so a
   * line is looked for until it comes, never read at a fixed moment. Fails after `timeoutMs`.
   */
  async logLine(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    let line: Record<string, unknown> | undefined;
    await waitFor(() => (line = this.logLines().find(match)) !== undefined, 'the log line', timeoutMs);
    return line!;
  }

  /** The webhook's log line: the one whose corr_id is the id the gateway echoed in X-Correlation-Id. */
  webhookLine(reply: { headers: Headers }): Promise<Record<string, unknown>> {
    const corrId = reply.headers.get('x-correlation-id');
    if (!corrId) throw new Error('the answer carries no X-Correlation-Id');
    return this.logLine((line) => line.corr_id === corrId);
  }

  /**
   * Waits until everything logged so far is written. pino writes asynchronously but in order: once
   * the line of a request sent now is out (a 404 on a route no source serves), every earlier one is.
   */
  async logSettled(): Promise<void> {
    const reply = await fetch(`${this.url}/webhooks/log-settled`, { method: 'POST' });
    await reply.arrayBuffer();
    await this.webhookLine(reply);
  }

  /** Log lines parsed as JSON (non-JSON lines are skipped). */
  logLines(): Record<string, unknown>[] {
    return jsonLines(this.output.join(''));
  }
}
