import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines } from './json-lines';
import { reapOnExit } from './reap';

const MAIN = join(__dirname, '../../dist/apps/signal-consumer/main.js');

/** The built reference consumer (apps/signal-consumer) as its own process (`npm run build` first). */
export class ConsumerProcess {
  private proc?: ChildProcess;
  private readonly output: string[] = [];
  exited!: Promise<number | null>;

  constructor(private readonly env: Record<string, string>) {}

  /** Spawns it; resolves once it subscribed (its "consuming" line), or once it exits. */
  async start(): Promise<this> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
    this.proc = reapOnExit(
      spawn(process.execPath, [MAIN], {
        env: { PATH: process.env.PATH, ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    this.proc.stdout!.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.exited = new Promise((resolve) => this.proc!.once('exit', (code) => resolve(code)));
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (!gone && !this.lines().some((l) => String(l.msg).startsWith('consuming '))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return this;
  }

  get text(): string {
    return this.output.join('');
  }

  /** Its log lines, parsed. */
  lines(): Record<string, unknown>[] {
    return jsonLines(this.text);
  }

  /** Waits until some log line matches; returns the lines that do. */
  async until(
    matches: (line: Record<string, unknown>) => boolean,
    count = 1,
  ): Promise<Record<string, unknown>[]> {
    const end = Date.now() + 10_000;
    for (;;) {
      const found = this.lines().filter(matches);
      if (found.length >= count) return found;
      if (Date.now() > end) throw new Error(`no ${count} matching log line(s) in:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.proc?.kill(signal);
  }

  async stop(): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGKILL');
    await this.exited;
  }
}
