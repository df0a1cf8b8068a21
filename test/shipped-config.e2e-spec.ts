import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestCa } from './support/certs';
import { SECRET } from './support/gateway';
import { ADMIN, gatewayUsers } from './support/gateway-users';
import { GatewayProcess } from './support/gateway-process';
import { Balancer } from './support/haproxy';
import { acceptedButNotStoredOnce, type Outcome, signedLoad, statusCounts } from './support/load';
import { MountedSecret } from './support/mounted-secret';
import { freePort, TestNatsServer } from './support/nats-server';
import { containerEnv, containerOf, gatewaySecret, one, render } from './support/rendered';
import { StreamReader } from './support/stream';
import { answeredWithin } from './support/exposition';
import type { IContainer } from 'kubernetes-models/v1';
import { countByStatus, sendSpread, slowest, tradingViewRequest } from './support/timed';

// Contract 7.1, what ships is what is tested: the gateway run with exactly the ConfigMap that
// `kubectl kustomize` renders for the base and for the production overlay (its Secrets' files the
// test's, NATS the test's own server; the listening ports free ones, as each pod has its own
// address), at the base's minimum replicas, through a candle close and a rolling restart behind
// HAProxy; the production overlay over TLS as its NATS user of deploy/nats/gateway-users.conf.
const NATS_PASSWORD = 'shipped-nats-password-41c9';
const ca = new TestCa('shipped-ca');
const minReplicas = one(render('deploy/k8s/base'), 'HorizontalPodAutoscaler').spec.minReplicas as number;

afterAll(() => ca.dispose());

describe.each([
  ['deploy/k8s/base', false],
  ['deploy/k8s/overlays/production', true],
])('%s as shipped', (dir, secured) => {
  const manifests = render(dir);
  const deployment = one(manifests, 'Deployment', 'at-gateway');
  const secrets = new MountedSecret();
  const natsFiles = new MountedSecret();
  const stream = 'trading-events';
  let nats: TestNatsServer;
  let replicas: GatewayProcess[];
  let ports: { port: number; managementPort: number }[];
  const reader = () =>
    secured
      ? StreamReader.open(`tls://127.0.0.1:${nats.port}`, stream, { ...ADMIN, tls: { caFile: ca.ca.cert } })
      : StreamReader.open(nats.url, stream);

  beforeAll(async () => {
    if (secured) {
      const cert = ca.server();
      const users = gatewayUsers({ gateway: NATS_PASSWORD });
      nats = await new TestNatsServer(
        `tls { cert_file: "${cert.cert}", key_file: "${cert.key}" }\n${users}`,
      ).start();
    } else {
      nats = await new TestNatsServer().start();
    }
    secrets.update(
      gatewaySecret({ API_KEY_HMAC_SECRET: SECRET, NATS_PASSWORD: secured ? NATS_PASSWORD : '' }),
    );
    natsFiles.update({ 'ca.crt': readFileSync(ca.ca.cert, 'utf8') });
    const env: Record<string, string> = {
      ...containerEnv(manifests, containerOf(deployment), {
        '/etc/at-gateway/secrets': secrets.dir,
        '/etc/at-gateway/nats': natsFiles.dir,
      }),
      NATS_URL: `${secured ? 'tls' : 'nats'}://127.0.0.1:${nats.port}`,
    };
    // What stays the pod's own: its address (each pod has one; here they share a host).
    for (const name of ['PORT', 'HOST', 'MANAGEMENT_PORT']) delete env[name];
    // A single test server cannot hold three replicas; the overlay's R3 is checked below.
    if (env.NATS_STREAM_REPLICAS === '3') env.NATS_STREAM_REPLICAS = '1';
    ports = [];
    for (let i = 0; i < minReplicas; i++)
      ports.push({ port: await freePort(), managementPort: await freePort() });
    replicas = await Promise.all(ports.map((p) => new GatewayProcess(env).start(p)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((r) => r.stop()));
    await nats?.dispose();
    secrets.dispose();
    natsFiles.dispose();
  });

  it('logs the policy in force once per allowed source, with the burst and wait of the defaults', () => {
    const allowed = containerEnv(manifests, containerOf(deployment)).ALLOWED_SOURCES.split(',');
    const defaults = {
      ...{ rate: 50, burst: 500, max_wait_ms: 700, in_flight: 1000, priority: 'normal', scope: 'replica' },
      ...{ dedupe: 'off', max_age: 'off', redelivery: 'by-scheme' },
    };
    for (const replica of replicas) {
      const lines = replica.logLines().filter((l) => l.context === 'Policy');
      expect(lines.map((l) => [l.source, l.policy])).toEqual(allowed.map((source) => [source, defaults]));
    }
  });

  it(`takes a candle close of 500 alerts over the ${minReplicas} minimum replicas: every one 2xx, stored once`, async () => {
    const requests = Array.from({ length: 500 }, (_, i) => tradingViewRequest(replicas[i % minReplicas].url));
    const replies = await sendSpread(requests, 1000);
    expect(countByStatus(replies)).toEqual({ 202: 500 });
    // TradingView waits 3 s for an answer, then counts the alert as failed: each replica answered
    // every one within its 2.5 s budget, by its own measure (the client's clock on a shared
    // machine would time the machine).
    for (const replica of replicas) {
      const { answered, within } = await answeredWithin(
        `${replica.managementUrl}/metrics`,
        'tradingview',
        '2.5',
      );
      expect(answered).toBeGreaterThan(0);
      expect(within).toBe(answered);
    }
    process.stdout.write(`${dir}: candle close, slowest answer ${Math.round(slowest(replies))} ms\n`);
    const events = await reader();
    const stored = await events.census().finally(() => events.close());
    const ids = replies.map((r) => r.eventId);
    expect(
      ids.filter(
        (id) => stored.get(`signals.raw ${id}`) !== 1 || stored.get(`signals.normalized ${id}`) !== 1,
      ),
    ).toEqual([]);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
  }, 30_000);

  it('restarts each replica in turn behind HAProxy (checked on the management port): no request lost', async () => {
    const balancer = await new Balancer({
      backends: ports.map((p) => p.port),
      checkPorts: ports.map((p) => p.managementPort),
      checkIntervalMs: 100,
    }).start();
    const exits: { code: number | null }[] = [];
    let outcomes: Outcome[] = [];
    try {
      const allUp = async () => [...(await balancer.serverStates()).values()].every((s) => s === 'UP');
      await balancer.until(allUp, 'every replica UP');
      const restarts = (async () => {
        await sleep(500);
        for (const [i, replica] of replicas.entries()) {
          replica.signal('SIGTERM');
          exits.push(await replica.exited);
          await replica.start(ports[i]);
          await balancer.until(allUp, `s${i} UP again`);
        }
      })();
      outcomes = await signedLoad(balancer.url, { concurrency: 8, until: restarts });
    } finally {
      await balancer.stop();
    }
    expect(exits.map((e) => e.code)).toEqual(replicas.map(() => 0));
    expect(outcomes.length).toBeGreaterThan(50);
    expect(Object.keys(statusCounts(outcomes))).toEqual(['202']);
    const events = await reader();
    const stored = await events.census().finally(() => events.close());
    expect(acceptedButNotStoredOnce(outcomes, stored)).toEqual([]);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
  }, 90_000);
});

describe('the canary CronJob of deploy/k8s/overlays/production, as rendered', () => {
  const manifests = render('deploy/k8s/overlays/production');
  const cronJob = one(manifests, 'CronJob', 'at-gateway-canary');
  const secrets = new MountedSecret();
  const script = new MountedSecret();
  let nats: TestNatsServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    secrets.update(gatewaySecret({ API_KEY_HMAC_SECRET: SECRET }));
    // The script as the CronJob mounts it: the rendered ConfigMap's file.
    const scriptMap = manifests.find(
      (m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('at-gateway-canary-script'),
    )!;
    script.update(scriptMap.data!);
    const deployment = one(manifests, 'Deployment', 'at-gateway');
    const env = containerEnv(manifests, containerOf(deployment), { '/etc/at-gateway/secrets': secrets.dir });
    // The overlay's NATS (TLS, its own user) is the secured case above; here the canary's path.
    for (const name of [
      'PORT',
      'HOST',
      'MANAGEMENT_PORT',
      'NATS_USER',
      'NATS_TLS_CA_FILE',
      'NATS_PASSWORD_FILE',
    ])
      delete env[name];
    gateway = await new GatewayProcess({ ...env, NATS_URL: nats.url, NATS_STREAM_REPLICAS: '1' }).start({
      managementPort: true,
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
    secrets.dispose();
    script.dispose();
  });

  it('runs its command with its ConfigMap and Secret: the canary is accepted, onto signals.canary only', async () => {
    const container = cronJob.spec.jobTemplate.spec.template.spec.containers[0] as IContainer;
    const env = containerEnv(manifests, container, {
      '/etc/at-gateway/secrets': secrets.dir,
    });
    // The public entry is the test's gateway, as NATS is the test's server above.
    env.CANARY_URL = gateway.url;
    const [command, ...args] = container.command!.map((part) =>
      part.startsWith('/opt/canary/') ? join(script.dir, part.slice('/opt/canary/'.length)) : part,
    );
    expect(command).toBe('node');
    const run = spawnSync(process.execPath, args, {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });

    expect(run.status).toBe(0);
    const events = await StreamReader.open(nats.url, 'trading-events');
    const stored = await events.census().finally(() => events.close());
    // Its raw and normalized event, both on signals.canary, nothing on the subjects consumers act on.
    expect([...stored.entries()]).toEqual([[expect.stringMatching(/^signals\.canary /), 2]]);
  });
});

describe('deploy/k8s/overlays/production, as rendered', () => {
  const manifests = render('deploy/k8s/overlays/production');
  const configMap = manifests.find(
    (m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('at-gateway-config-'),
  )!;

  it('asks for three replicas of the stream and buckets, NATS over TLS as its own user, a pinned image', () => {
    expect(configMap.data).toMatchObject({
      NATS_STREAM_REPLICAS: '3',
      NATS_USER: 'at-gateway',
      NATS_TLS_CA_FILE: '/etc/at-gateway/nats/ca.crt',
    });
    expect(configMap.data!.NATS_URL).toMatch(/^tls:\/\//);
    expect(containerOf(one(manifests, 'Deployment', 'at-gateway')).image).toMatch(
      /^registry\.example\.com\/at-gateway(:\d+\.\d+\.\d+-[0-9a-f]{7,40}|@sha256:[0-9a-f]{64})$/,
    );
  });

  it("labels the monitors for kube-prometheus-stack's selectors, and its ConfigMap for kubectl -l", () => {
    for (const kind of ['PodMonitor', 'PrometheusRule']) {
      expect(one(manifests, kind).metadata.labels).toMatchObject({ release: expect.any(String) });
    }
    expect(configMap.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'at-gateway' });
  });
});

describe('image references (scripts/check-image-refs.mjs, run by .ci/run)', () => {
  const ROOT = join(__dirname, '..');
  const check = (root: string) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts/check-image-refs.mjs'), root], { encoding: 'utf8' });

  it('passes what ships, and fails a copy whose base goes back to latest, naming it', () => {
    expect(check(ROOT)).toMatchObject({ status: 0, stdout: expect.stringMatching(/all immutable/) });
    const copy = mkdtempSync(join(tmpdir(), 'gw-image-refs-'));
    try {
      for (const path of ['package.json', 'docker-compose.yml', 'deploy']) {
        cpSync(join(ROOT, path), join(copy, path), { recursive: true });
      }
      const base = join(copy, 'deploy/k8s/base/kustomization.yaml');
      writeFileSync(base, readFileSync(base, 'utf8').replace(/newTag: .*/, 'newTag: latest'));
      const failed = check(copy);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain('deploy/k8s/base: at-gateway:latest: the tag latest');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
