import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './nats-server';
import { reapOnExit } from './reap';
import { prometheusBin } from './tools';

/** An alert as Prometheus' /api/v1/alerts lists it. */
export interface ActiveAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}

/** One series of an instant query's answer. */
export interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * A real Prometheus server (Debian's `prometheus`, scripts/ensure-prometheus.sh) on a free port,
 * with its own store, the scrape configuration and the rule files given.
 */
export class TestPrometheus {
  private readonly dir = mkdtempSync(join(tmpdir(), 'gw-prometheus-'));
  private proc?: ChildProcess;
  readonly output: string[] = [];
  url = '';

  constructor(
    private readonly config: Record<string, unknown>,
    private readonly ruleFiles: Record<string, unknown>,
  ) {}

  async start(): Promise<this> {
    const rules = Object.entries(this.ruleFiles).map(([name, content]) => {
      writeFileSync(join(this.dir, name), stringify(content));
      return name;
    });
    writeFileSync(join(this.dir, 'prometheus.yml'), stringify({ ...this.config, rule_files: rules }));
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.proc = reapOnExit(
      spawn(
        prometheusBin(),
        [
          `--config.file=${join(this.dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(this.dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    this.proc.stdout!.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => this.output.push(d.toString()));
    await this.until(
      async () => (await fetch(`${this.url}/-/ready`).catch(() => undefined))?.ok === true,
      'ready',
    );
    return this;
  }

  async query(expr: string): Promise<QueryResult[]> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data: { result: QueryResult[] } };
    if (body.status !== 'success') throw new Error(`query failed: ${body.error}: ${expr}`);
    return body.data.result;
  }

  async alerts(): Promise<ActiveAlert[]> {
    const res = await fetch(`${this.url}/api/v1/alerts`);
    return ((await res.json()) as { data: { alerts: ActiveAlert[] } }).data.alerts;
  }

  /** Waits for `condition`, polling every half second, up to `timeoutMs`. */
  async until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await condition().catch(() => false))) {
      if (Date.now() > end) throw new Error(`Prometheus: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async dispose(): Promise<void> {
    const proc = this.proc;
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
