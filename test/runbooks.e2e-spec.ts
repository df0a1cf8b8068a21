import { randomUUID } from 'node:crypto';
import { connect, headers } from 'nats';
import { Schemas } from '@gateway/contracts';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { samplesOf, type Sample } from './support/exposition';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { MountedSecret } from './support/mounted-secret';
import { TestNatsServer } from './support/nats-server';
import { selectorsOf } from './support/promql';
import { isPromql, pipelineOf, runbookSnippets, shellWords } from './support/runbook-commands';
import { post, signed, tradingViewAlert } from './support/signing';
import { kubectlBin } from './support/tools';

const ROOT = join(__dirname, '..');
interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
}
const KINDS: Record<string, string> = {
  pod: 'Pod',
  pods: 'Pod',
  deploy: 'Deployment',
  configmap: 'ConfigMap',
  podmonitor: 'PodMonitor',
  cronjob: 'CronJob',
  secret: 'Secret',
  endpoints: 'Service',
  svc: 'Service',
  ingress: 'Ingress',
  job: 'Job',
  events: 'Event',
};
// Not made by this project's manifests, yet always there: the cluster's own, or made by the user.
const EXTERNAL_KINDS = ['Ingress', 'Event'];
// Series a runbook may query that Prometheus or the kubelet (cAdvisor) produce, or the rules record.
const EXTERNAL_SERIES = ['up', 'container_cpu_cfs_throttled_periods_total'];
const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'cluster', 'container'];
// Where the monitoring component has heap snapshots written (NODE_OPTIONS --diagnostic-dir).
const DIAGNOSTICS = '/diagnostics';

const snippets = runbookSnippets(ROOT);
const kubectlLines = snippets.filter((s) => s.text.startsWith('kubectl '));
const rendered = execFileSync(
  kubectlBin(),
  ['kustomize', join(ROOT, 'deploy/k8s/examples/with-monitoring')],
  {
    encoding: 'utf8',
  },
);
const manifests = [
  ...parseAllDocuments(rendered).map((d) => d.toJS() as Manifest),
  parse(readFileSync(join(ROOT, 'deploy/k8s/jobs/dlq-replay.job.yaml'), 'utf8')) as Manifest,
];
const deployment = manifests.find((m) => m.kind === 'Deployment')!;
const cronJob = manifests.find((m) => m.kind === 'CronJob')!;
// Pods are made by the Deployment and the canary's CronJob: their templates' labels.
const pods = [deployment.spec.template, cronJob.spec.jobTemplate.spec.template].map((t) => ({
  kind: 'Pod',
  metadata: { name: '<pod>', labels: t.metadata.labels as Record<string, string> },
}));
const volumes = deployment.spec.template.spec.volumes as { secret?: { secretName: string } }[];
const secretsUsed = volumes.flatMap((v) => v.secret?.secretName ?? []);
const objectsOf = (kind: string): Manifest[] =>
  kind === 'Pod'
    ? pods
    : kind === 'Secret'
      ? secretsUsed.map((name) => ({ kind, metadata: { name } }))
      : manifests.filter((m) => m.kind === kind);
const configMapsYaml = manifests
  .filter((m) => m.kind === 'ConfigMap')
  .map((m) => JSON.stringify(m, null, 2).replace(/"/g, ''))
  .join('\n');

/** What a kubectl command names that the manifests do not make: unknown kinds, names, selectors. */
function unknownObjects(words: string[]): string[] {
  const args = words.slice(1).filter((w, i, all) => w !== '-n' && all[i - 1] !== '-n');
  const verb = args[0];
  const problems: string[] = [];
  const selector = args[args.indexOf('-l') + 1];
  const named = args.filter((w) => /^[a-z]+\/[\w.-]+$/.test(w));
  for (const ref of named) {
    const [kind, name] = ref.split('/');
    if (!objectsOf(KINDS[kind]).some((m) => m.metadata.name === name)) problems.push(`no ${ref}`);
  }
  let kinds = ['Pod'];
  if (verb === 'get' || verb === 'describe') {
    const what = args[1];
    if (!what.includes('/')) {
      kinds = what.split(',').map((k) => KINDS[k]);
      if (kinds.some((k) => !k)) return [`unknown kind in ${what}`];
      const name = args[2];
      if (name && !name.startsWith('-') && !name.startsWith('<')) {
        const exists = objectsOf(kinds[0]).some((m) => m.metadata.name === name);
        if (!exists) problems.push(`no ${what} ${name}`);
      }
    }
  }
  if (args.includes('-l')) {
    const wanted = Object.fromEntries(selector.split(',').map((kv) => kv.split('=')));
    const matches = kinds
      .flatMap(objectsOf)
      .filter((m) => Object.entries(wanted).every(([k, v]) => m.metadata.labels?.[k] === v));
    if (matches.length === 0 && !kinds.every((k) => EXTERNAL_KINDS.includes(k)))
      problems.push(`-l ${selector} selects nothing`);
  }
  if (verb === 'create' && !existsSync(join(ROOT, args[args.indexOf('-f') + 1])))
    problems.push('no such file');
  return problems;
}

/** A dead letter whose raw event the stream does not hold: the healer gives it up at its next pass. */
async function deadLetterWithoutItsRawEvent(url: string): Promise<void> {
  const nc = await connect({ servers: url });
  const h = headers();
  h.set('Event-Schema', Schemas.dlq);
  const entry = {
    schema: Schemas.dlq,
    raw_event_id: randomUUID(),
    corr_id: 'corr-lost',
    source: 'tradingview',
    errors: [{ field: 'ticker', message: 'is required' }],
    received_at: new Date().toISOString(),
  };
  await nc.jetstream().publish('signals.dlq', JSON.stringify(entry), { headers: h });
  await nc.close();
}

describe('every runbook command works as written against what ships', () => {
  const secrets = new MountedSecret().update({ API_KEY_HMAC_SECRET: SECRET });
  const diagnostics = mkdtempSync(join(tmpdir(), 'gw-diagnostics-'));
  const nodeOptions = manifests.find((m) => m.metadata.name.startsWith('at-gateway-config'))!.data!
    .NODE_OPTIONS;
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let samples: Sample[];
  const logged = async (text: string) => {
    while (!gateway.output.join('').includes(text)) await new Promise((r) => setTimeout(r, 50));
  };

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-runbooks',
      API_KEY_HMAC_SECRET_FILE: secrets.path('API_KEY_HMAC_SECRET'),
      SECRET_POLL_INTERVAL_MS: '100',
      // The dead-letter healer's pass every second, so the entry below is given up at once.
      DLQ_HEAL_INTERVAL_SEC: '1',
      ENV: 'test',
      LOG_LEVEL: 'info',
      // As the monitoring component sets it, its writable directory mapped to this test's own.
      NODE_OPTIONS: nodeOptions.replace(`--diagnostic-dir=${DIAGNOSTICS}`, `--diagnostic-dir=${diagnostics}`),
    }).start({ managementPort: true });
    samples = samplesOf(await (await fetch(`${gateway.managementUrl}/metrics`)).text());
    // What the runbooks' log greps look for, made to happen: refusals, a refused secret reload,
    // NATS going away and the 503s that follow.
    const body = tradingViewAlert();
    await post(`${gateway.url}/webhooks/tradingview`, body, {
      'content-type': 'application/json',
      ...signed('wrong-key-00000000', body),
    });
    secrets.update({ API_KEY_HMAC_SECRET: '' });
    await logged('secret reload refused');
    await deadLetterWithoutItsRawEvent(nats.url);
    await logged('dead letter left for a person');
    await nats.stop();
    await logged('"msg":"NATS unreachable');
    await post(`${gateway.url}/webhooks/tradingview`, body, {
      'content-type': 'application/json',
      ...signed(SECRET, body),
    });
    await logged('"status":503');
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
    secrets.dispose();
    rmSync(diagnostics, { recursive: true, force: true });
  });

  it('finds the commands (the check would notice none)', () => {
    expect(kubectlLines.length).toBeGreaterThan(30);
  });

  it('names objects, names and label selectors the rendered manifests have', () => {
    const problems = kubectlLines.flatMap(({ page, text }) =>
      unknownObjects(shellWords(pipelineOf(text)[0])).map((p) => `${page}: ${text}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('greps for what the gateway really writes, or the ConfigMaps really hold', () => {
    const failing = kubectlLines.flatMap(({ page, text }) => {
      const [first, ...rest] = pipelineOf(text);
      const words = shellWords(first);
      const input = words.includes('logs')
        ? gateway.output.join('')
        : words.includes('configmap')
          ? configMapsYaml
          : '';
      return rest
        .filter((stage) => stage.startsWith('grep '))
        .filter((stage) => spawnSync('grep', shellWords(stage).slice(1), { input }).status !== 0)
        .map((stage) => `${page}: ${stage}`);
    });
    expect(failing).toEqual([]);
  });

  it("runs each node -e probe against a gateway's management port", () => {
    const probes = kubectlLines.filter(({ text }) => text.includes(' -- node -e '));
    expect(probes.length).toBeGreaterThan(0);
    for (const { text } of probes) {
      const script = shellWords(text).at(-1)!.replace('127.0.0.1:8002', new URL(gateway.managementUrl).host);
      const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect([run.status, run.stdout.trim().length > 0]).toEqual([0, true]);
    }
  });

  it('writes heap snapshots to a writable volume of the pods as large as their memory limit', () => {
    const pod = deployment.spec.template.spec as {
      volumes: { name: string; emptyDir?: { sizeLimit: string; medium?: string } }[];
      containers: {
        volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
        resources: { limits: { memory: string } };
      }[];
    };
    const mount = pod.containers[0].volumeMounts.find((m) => m.mountPath === DIAGNOSTICS)!;
    expect(mount.readOnly).toBeFalsy();
    const volume = pod.volumes.find((v) => v.name === mount.name)!;
    expect(volume.emptyDir?.medium).toBeUndefined(); // on disk, not counted against the memory limit
    // A snapshot is about the heap's size, which the memory limit bounds.
    const mib = (q: string) => Number(/^(\d+)Mi$/.exec(q)?.[1] ?? Number(/^(\d+)Gi$/.exec(q)?.[1]) * 1024);
    expect(mib(volume.emptyDir!.sizeLimit)).toBeGreaterThanOrEqual(
      mib(pod.containers[0].resources.limits.memory),
    );
  });

  it('takes a heap snapshot by the steps given: signal, list, remove', async () => {
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/ENTRYPOINT \["\/usr\/bin\/tini", "--"\]/);
    const steps = kubectlLines
      .filter(({ text }) => text.includes(' -- sh -c '))
      .map(({ text }) => shellWords(text).at(-1)!.replaceAll(`${DIAGNOSTICS}/`, `${diagnostics}/`));
    expect(steps[0]).toBe('kill -USR2 1');
    gateway.signal('SIGUSR2'); // tini, PID 1 in the image, passes it on to node
    const complete = () => readdirSync(diagnostics).some((f) => f.endsWith('.heapsnapshot'));
    while (!complete()) await new Promise((r) => setTimeout(r, 100));
    // Written on the main thread: once the gateway answers again, the snapshot is whole.
    expect((await fetch(`${gateway.managementUrl}/healthz`)).status).toBe(200);
    const [file] = readdirSync(diagnostics);
    expect(readFileSync(join(diagnostics, file), 'utf8').slice(0, 12)).toBe('{"snapshot":');
    for (const step of steps.slice(1)) expect(spawnSync('sh', ['-c', step]).status).toBe(0);
    expect(readdirSync(diagnostics)).toEqual([]);
  }, 30_000);

  it('queries only series (and labels) the gateway exports', () => {
    const missing = snippets.flatMap(({ page, text }) => {
      const ref = /^(\w+)\{(\w+)\}$/.exec(text);
      const selectors = ref
        ? [{ metric: ref[1], labels: [ref[2]] }]
        : isPromql(text)
          ? selectorsOf(text)
          : /^(gateway|nodejs|process)_\w+$/.test(text)
            ? [{ metric: text, labels: [] }]
            : [];
      return selectors.flatMap(({ metric, labels }) => {
        if (EXTERNAL_SERIES.includes(metric)) return [];
        const series = samples.filter((s) => s.name === metric);
        if (series.length === 0) return [`${page}: ${metric}`];
        const unknown = labels.filter(
          (l) => !TARGET_LABELS.includes(l) && !series.some((s) => l in s.labels),
        );
        return unknown.map((l) => `${page}: ${metric}{${l}}`);
      });
    });
    expect(missing).toEqual([]);
  });

  it('gives the nats CLI the stream the gateway provisions', () => {
    const config = manifests.find((m) => m.metadata.name.startsWith('at-gateway-config'))!;
    const streams = snippets
      .filter(({ text }) => text.startsWith('nats stream '))
      .map(({ text }) => shellWords(text)[3]);
    expect(streams.length).toBeGreaterThan(0);
    expect([...new Set(streams)]).toEqual([config.data!.NATS_STREAM]);
  });
});
