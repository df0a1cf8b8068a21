import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nats-server';
import { haproxyBin } from './tools';
import { reapOnExit } from './reap';

export interface BalancerOptions {
  /** The replicas' ports on 127.0.0.1, named s0, s1, ... */
  backends: number[];
  /** Health-check interval; a server is taken out after `fall` failed checks, back after `rise`. */
  checkIntervalMs: number;
  /** Where each replica answers its health checks, when not on its webhook port (MANAGEMENT_PORT). */
  checkPorts?: number[];
}

/**
 * A real HAProxy in front of gateway replicas, as a plain production balancer: keep-alive on both
 * sides, round robin, `/readyz` health checks, and NO second chance (`retries 0`, no
 * `option redispatch`): a request sent to a replica that refuses or drops it fails.
 *
 * It fails open as docs/operations.md recommends (and as AWS ALB or Envoy's panic threshold do by
 * themselves): when no replica is ready (NATS down for all of them) it sends to the live ones
 * (`/healthz`), so senders get the gateway's 503 + Retry-After rather than the balancer's.
 */
export class Balancer {
  private proc?: ChildProcess;
  private dir = '';
  private statsPort = 0;
  readonly output: string[] = [];
  url = '';

  constructor(private readonly options: BalancerOptions) {}

  async start(): Promise<this> {
    const port = await freePort();
    this.statsPort = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.dir = mkdtempSync(join(tmpdir(), 'at-gateway-haproxy-'));
    const config = join(this.dir, 'haproxy.cfg');
    writeFileSync(config, this.config(port));
    this.proc = reapOnExit(spawn(haproxyBin(), ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] }));
    this.proc.stdout!.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => this.output.push(d.toString()));
    await this.until(async () => (await this.serverStates()).size > 0, 'haproxy listening');
    return this;
  }

  /** HAProxy's view of each server: 'UP', 'DOWN', 'UP 1/2', ... (its stats CSV). */
  async serverStates(): Promise<Map<string, string>> {
    const csv = await fetch(`http://127.0.0.1:${this.statsPort}/stats;csv`).then(
      (r) => r.text(),
      () => '',
    );
    const rows = csv.split('\n').map((line) => line.split(','));
    const status = rows[0]?.indexOf('status') ?? -1;
    return new Map(
      rows.filter((r) => r[0] === 'gateways' && /^s\d+$/.test(r[1])).map((r) => [r[1], r[status]]),
    );
  }

  async until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${this.output.join('')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async stop(): Promise<void> {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc!.once('exit', r));
      this.proc.kill('SIGTERM');
      await exited;
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private config(port: number): string {
    const { backends, checkIntervalMs, checkPorts } = this.options;
    // As docs/operations.md shows it: webhooks to the public port, checks to the management port.
    const server = (p: number, i: number) =>
      `  server s${i} 127.0.0.1:${p} check${checkPorts ? ` port ${checkPorts[i]}` : ''}`;
    return [
      'global',
      '  maxconn 1024',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 30s',
      '  timeout server 30s',
      // A slow answer on a busy machine is not a failed check (the default is the interval).
      '  timeout check 2s',
      '  retries 0',
      'frontend webhooks',
      `  bind 127.0.0.1:${port}`,
      '  use_backend gateways-live if { nbsrv(gateways) eq 0 }',
      '  default_backend gateways',
      'frontend stats',
      `  bind 127.0.0.1:${this.statsPort}`,
      '  stats enable',
      '  stats uri /stats',
      'backend gateways',
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      `  default-server inter ${checkIntervalMs}ms fall 2 rise 2`,
      ...backends.map(server),
      'backend gateways-live',
      '  balance roundrobin',
      '  option httpchk GET /healthz',
      `  default-server inter ${checkIntervalMs}ms fall 2 rise 2`,
      ...backends.map(server),
      '',
    ].join('\n');
  }
}
