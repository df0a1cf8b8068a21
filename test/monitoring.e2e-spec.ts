import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { loadReplayConfig } from '../apps/dlq-replay/src/config/replay-config';
import { kubectlBin } from './support/tools';

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface AlertTest {
  name: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: { alertname: string; exp_alerts: unknown[] }[];
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const groups = (parse(read('deploy/prometheus/alerts.yml')) as { groups: { rules: Rule[] }[] }).groups;
const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert);
const tests = (parse(read('deploy/prometheus/tests/alerts.test.yml')) as { tests: AlertTest[] }).tests;
const cases = tests.flatMap((t) => t.alert_rule_test);
// Where the runbooks are published by default (deploy/k8s/components/monitoring/settings.yaml).
const settings = parse(read('deploy/k8s/components/monitoring/settings.yaml')) as {
  data: { release: string; 'runbook-base-url': string };
};
const RUNBOOKS = settings.data['runbook-base-url'];

describe('alert rules, their tests and runbooks', () => {
  it('links every alert to its runbook page by an absolute URL, and every page to an alert', () => {
    const linked = alerts.map(({ annotations }) => annotations?.runbook_url ?? '');
    for (const url of linked) {
      expect(url).toMatch(new RegExp(`^${RUNBOOKS.replace(/[.]/g, '\\.')}/Gateway\\w+\\.md$`));
      expect(existsSync(join(ROOT, 'docs/runbooks', url.slice(RUNBOOKS.length + 1)))).toBe(true);
    }
    const pages = readdirSync(join(ROOT, 'docs/runbooks')).filter((f) => f !== 'README.md');
    expect(pages.sort()).toEqual([...new Set(linked.map((u) => u.slice(RUNBOOKS.length + 1)))].sort());
  });

  it('tests every alert both firing and quiet', () => {
    const missing = alerts.flatMap(({ alert }) => [
      ...(cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0) ? [] : [`${alert} firing`]),
      ...(cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0) ? [] : [`${alert} quiet`]),
    ]);
    expect(missing).toEqual([]);
  });

  it('starts every test series absent, as a fresh Prometheus sees a new pod', () => {
    const present = tests.flatMap((t) =>
      t.input_series.filter((s) => !s.values.startsWith('_')).map((s) => `${t.name}: ${s.series}`),
    );
    expect(present).toEqual([]);
  });
});

describe('monitoring component (deploy/k8s/components/monitoring)', () => {
  let manifests: Manifest[];
  const one = <T>(kind: string, name?: string) => {
    const found = manifests.filter((m) => m.kind === kind && (!name || m.metadata.name === name));
    expect(found.map((m) => m.kind)).toEqual([kind]);
    return found[0] as unknown as T;
  };

  beforeAll(() => {
    const example = join(ROOT, 'deploy/k8s/examples/with-monitoring');
    const rendered = execFileSync(kubectlBin(), ['kustomize', example], { encoding: 'utf8' });
    manifests = parseAllDocuments(rendered).map((d) => d.toJS() as Manifest);
  });

  it('renders valid ConfigMaps and Deployment with the base', () => {
    for (const m of manifests.filter((x) => x.kind === 'ConfigMap'))
      expect(() => new ConfigMap(m as never).validate()).not.toThrow();
    expect(() => new Deployment(one<never>('Deployment')).validate()).not.toThrow();
  });

  it('scrapes /metrics on the container port named management (8002), which the pods have', () => {
    const monitor = one<{
      spec: {
        selector: { matchLabels: Record<string, string> };
        podMetricsEndpoints: { port: string; path: string }[];
      };
    }>('PodMonitor');
    expect(monitor.spec.podMetricsEndpoints).toEqual([
      expect.objectContaining({ port: 'management', path: '/metrics' }),
    ]);
    const deployment = one<Deployment>('Deployment');
    const podLabels = deployment.spec!.template.metadata!.labels!;
    expect(podLabels).toMatchObject(monitor.spec.selector.matchLabels);
    const ports = deployment.spec!.template.spec!.containers[0].ports!;
    expect(ports).toContainEqual(expect.objectContaining({ name: 'management', containerPort: 8002 }));
    const config = manifests.find(
      (m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('at-gateway-config'),
    ) as unknown as ConfigMap;
    expect(config.data!.MANAGEMENT_PORT).toBe('8002');
  });

  it('carries the rules of deploy/prometheus/alerts.yml, linked to where the overlay publishes runbooks', () => {
    const rule = one<{ apiVersion: string; spec: { groups: unknown } }>('PrometheusRule');
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    const rebased = JSON.stringify(groups).replaceAll(
      RUNBOOKS,
      'https://wiki.example.com/at-gateway/runbooks',
    );
    expect(rule.spec.groups).toEqual(JSON.parse(rebased));
  });

  it("labels the PodMonitor and PrometheusRule with the overlay's kube-prometheus-stack release", () => {
    expect(settings.data.release).toBe('kube-prometheus-stack');
    for (const kind of ['PodMonitor', 'PrometheusRule']) {
      expect(one<Manifest>(kind).metadata.labels).toMatchObject({ release: 'monitoring' });
    }
  });

  it('renders the defaults of settings.yaml where an overlay changes nothing', () => {
    // The smallest overlay: the base and the component, nothing else.
    const overlay = mkdtempSync(join(tmpdir(), 'gw-monitoring-'));
    writeFileSync(
      join(overlay, 'kustomization.yaml'),
      `resources: [${relative(overlay, join(ROOT, 'deploy/k8s/base'))}]\ncomponents: [${relative(overlay, join(ROOT, 'deploy/k8s/components/monitoring'))}]\n`,
    );
    const rendered = execFileSync(kubectlBin(), ['kustomize', overlay], { encoding: 'utf8' });
    rmSync(overlay, { recursive: true });
    const plain = parseAllDocuments(rendered).map((d) => d.toJS() as Manifest);
    const rule = plain.find((m) => m.kind === 'PrometheusRule') as unknown as { spec: { groups: unknown } };
    expect(rule.spec.groups).toEqual(groups);
    const labelled = plain.filter((m) => m.metadata.labels?.release === 'kube-prometheus-stack');
    expect(labelled.map((m) => m.kind).sort()).toEqual(['PodMonitor', 'PrometheusRule']);
    expect(plain.map((m) => m.metadata.name)).not.toContain('at-gateway-monitoring-settings');
  });

  it('sends the canary every minute through the address the overlay gives, signed with the Secret', () => {
    const cron = one<CronJob>('CronJob', 'at-gateway-canary');
    expect(() => new CronJob(cron as never).validate()).not.toThrow();
    expect(cron.spec!.schedule).toBe('* * * * *');
    expect(cron.spec!.concurrencyPolicy).toBe('Forbid');
    const pod = cron.spec!.jobTemplate.spec!.template.spec!;
    const container = pod.containers[0];
    expect(container.command).toEqual(['node', '/opt/canary/send-canary.mjs']);
    // The gateway's own build, the very reference its pods run.
    expect(container.image).toBe(one<Deployment>('Deployment').spec!.template.spec!.containers[0].image);
    const settingsName = container.envFrom![0].configMapRef!.name;
    const canary = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === settingsName) as
      ConfigMap | undefined;
    expect(canary?.data?.CANARY_URL).toBe('https://signals.example.com');
    const script = pod.volumes!.find((v) => v.name === 'script')!.configMap!.name;
    const shipped = manifests.find(
      (m) => m.kind === 'ConfigMap' && m.metadata.name === script,
    ) as unknown as ConfigMap;
    expect(shipped.data!['send-canary.mjs']).toBe(
      read('deploy/k8s/components/monitoring/canary/send-canary.mjs'),
    );
    const secret = pod.volumes!.find((v) => v.name === 'secrets')!.secret!;
    expect(secret.secretName).toBe('at-gateway-secrets');
    expect(secret.items!.map((i) => i.key).sort()).toEqual(['API_KEY_HMAC_SECRET', 'SOURCE_HMAC_SECRETS']);
    const config = manifests.find(
      (m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('at-gateway-config'),
    ) as unknown as ConfigMap;
    expect(config.data!.ALLOWED_SOURCES.split(',')).toContain('canary');
  });

  it('provisions the Grafana dashboard as a ConfigMap for the sidecar, identical to the file', () => {
    const dashboard = one<ConfigMap>('ConfigMap', 'at-gateway-dashboard');
    expect(dashboard.metadata!.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(dashboard.data!['at-gateway.json']).toBe(read('deploy/grafana/dashboards/at-gateway.json'));
  });
});

describe('DLQ replay Job (deploy/k8s/jobs/dlq-replay.job.yaml)', () => {
  const job = parse(read('deploy/k8s/jobs/dlq-replay.job.yaml')) as Job;

  it('is a valid Job that runs the replay once, never retried behind your back', () => {
    expect(() => new Job(job as never).validate()).not.toThrow();
    expect(job.spec!.backoffLimit).toBe(0);
    expect(job.spec!.template.spec!.restartPolicy).toBe('Never');
    expect(job.spec!.template.spec!.containers[0].command).toEqual(['node', 'dist/apps/dlq-replay/main.js']);
  });

  it("starts as a dry run, with variables the replay's own config accepts", () => {
    const env = Object.fromEntries(job.spec!.template.spec!.containers[0].env!.map((e) => [e.name, e.value]));
    const config = loadReplayConfig(env);
    expect(config.dryRun).toBe(true);
    expect(config.stream).toBe('trading-events');
  });
});
