import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { familiesWithPrefix, Sample, samplesOf } from './support/exposition';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { selectorsOf, withGrafanaVariables } from './support/promql';
import { post, signed, tradingViewAlert } from './support/signing';
import { promtoolBin } from './support/tools';

const ROOT = join(__dirname, '..');
const DASHBOARD = join(ROOT, 'deploy/grafana/dashboards/at-gateway.json');
const DATASOURCES = join(ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml');
const ALERTS = join(ROOT, 'deploy/prometheus/alerts.yml');

// Labels Prometheus attaches to every scraped series (Kubernetes discovery adds `namespace`); the
// gateway does not export them itself.
const TARGET_LABELS = ['job', 'instance', 'namespace'];
// The one series an alert may name that Prometheus, not the gateway, produces: the scrape's health.
const SCRAPE_SERIES = ['up'];
// Exported only where a secret is read from a file (the reload series of each such variable):
// checked on real scrapes of gateways run that way in test/alerting.e2e-spec.ts.
const FILE_SECRET_SERIES = ['gateway_secret_reload_errors_total', 'gateway_secret_reloads_total'];

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: {
    list: { name: string; type: string; query: { query: string } | string; current?: { value: unknown } }[];
  };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr })));
const variableQueries = dashboard.templating.list
  .filter((v) => v.type === 'query')
  .map((v) => ({
    where: `variable ${v.name}`,
    query: typeof v.query === 'string' ? v.query : v.query.query,
  }));
const allRules = (
  parse(readFileSync(ALERTS, 'utf8')) as {
    groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
  }
).groups.flatMap((g) => g.rules);
const rules = allRules.filter((r) => r.alert);
// Series the rules themselves record (the SLO's error ratios), which alerts may read.
const RECORDED_SERIES = allRules.flatMap((r) => r.record ?? []);

/** What an expression names that the scrape does not have: unknown series, or unknown labels on them. */
function missingFrom(samples: Sample[], expr: string, allowedSeries: string[] = []): string[] {
  return selectorsOf(withGrafanaVariables(expr)).flatMap(({ metric, labels }) => {
    if (allowedSeries.includes(metric)) return [];
    const series = samples.filter((s) => s.name === metric);
    if (series.length === 0) return [metric];
    return labels
      .filter((l) => !TARGET_LABELS.includes(l) && !series.some((s) => l in s.labels))
      .map((l) => `${metric}{${l}}`);
  });
}

// What operators see in Prometheus, Grafana and the alerts: a real gateway, real traffic, a real scrape.
describe('metrics, dashboard and alert rules', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let scrape: string;
  let samples: Sample[];

  const tradingView = (body: string, headers = signed(SECRET, body)) =>
    post(`${gateway.url}/webhooks/tradingview`, body, { 'content-type': 'application/json', ...headers });

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-observability',
      // Three requests per source, then 429: enough to see every outcome once.
      RATE_LIMIT_RPS: '0.01',
      RATE_LIMIT_BURST: '3',
    }).start();

    const alert = tradingViewAlert();
    const outcomes = [
      (await tradingView(alert)).status,
      (await tradingView(alert)).status, // same id: a duplicate
      (await tradingView(tradingViewAlert({ action: 'hold' }))).status, // 422, to signals.dlq
      (await tradingView(alert, signed('not-the-secret', alert))).status, // 401, spends no token
      (await tradingView(tradingViewAlert())).status, // the fourth token: 429
    ];
    const custom = JSON.stringify({ source: 'acme-bot', instrument: 'ETHUSDT', action: 'sell' });
    const customReply = await post(`${gateway.url}/webhooks/custom`, custom, {
      'content-type': 'application/json',
      ...signed(SECRET, custom),
    });
    expect([...outcomes, customReply.status]).toEqual([202, 200, 422, 401, 429, 202]);

    scrape = await (await fetch(`${gateway.url}/metrics`)).text();
    samples = samplesOf(scrape);
  });

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  it('counts error answers by source and problem code, and duplicates by source', () => {
    expect(scrape).toMatch(
      /^gateway_webhooks_rejected_total\{source="tradingview",code="schema_validation_failed"\} 1$/m,
    );
    expect(scrape).toMatch(
      /^gateway_webhooks_rejected_total\{source="tradingview",code="invalid_signature"\} 1$/m,
    );
    expect(scrape).toMatch(
      /^gateway_webhooks_rejected_total\{source="tradingview",code="rate_limited"\} 1$/m,
    );
    expect(scrape).not.toMatch(/^gateway_webhooks_rejected_total\{source="acme-bot",code="\w+"\} [1-9]/m);
    expect(scrape).toMatch(/^gateway_webhooks_duplicate_total\{source="tradingview"\} 1$/m);
    expect(scrape).toMatch(/^gateway_webhooks_received_total\{source="acme-bot",status="202"\} 1$/m);
  });

  it('measures publish latency per subject: one observation per JetStream publish', () => {
    // raw: two 202s, the duplicate, the 422; normalized: two 202s and the duplicate; dlq: the 422.
    expect(scrape).toMatch(/^gateway_nats_publish_duration_seconds_count\{subject="signals.raw"\} 4$/m);
    expect(scrape).toMatch(
      /^gateway_nats_publish_duration_seconds_count\{subject="signals.normalized"\} 3$/m,
    );
    expect(scrape).toMatch(/^gateway_nats_publish_duration_seconds_count\{subject="signals.dlq"\} 1$/m);
    expect(scrape).toMatch(
      /^gateway_nats_publish_total\{subject="signals.normalized",status="duplicate"\} 1$/m,
    );
    expect(scrape).toMatch(/^gateway_nats_connected 1$/m);
    expect(scrape).toMatch(/^gateway_publish_buffer_size 0$/m);
  });

  it('exports, before any failure, every series an alert reads at 0: the first failure is seen', () => {
    expect(scrape).toMatch(/^gateway_webhooks_received_total\{source="tradingview",status="503"\} 0$/m);
    expect(scrape).toMatch(/^gateway_webhooks_received_total\{source="acme-bot",status="401"\} 0$/m);
    expect(scrape).toMatch(
      /^gateway_webhooks_rejected_total\{source="custom",code="invalid_signature"\} 0$/m,
    );
    expect(scrape).toMatch(
      /^gateway_webhooks_rejected_total\{source="acme-bot",code="nats_unavailable"\} 0$/m,
    );
    expect(scrape).toMatch(/^gateway_webhook_duration_seconds_count\{source="custom"\} 0$/m);
    expect(scrape).toMatch(/^gateway_nats_publish_total\{subject="signals.dlq",status="error"\} 0$/m);
    expect(scrape).toMatch(/^gateway_validation_errors_total\{type="invalid_json"\} 0$/m);
  });

  it('names the running build, the publish buffer bound and the memory limit', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const build = samples.find((s) => s.name === 'gateway_build_info');
    expect(build?.labels).toEqual({ version, revision: 'unknown', node: process.version });
    expect(scrape).toMatch(/^gateway_publish_buffer_capacity 1000$/m);
    expect(Number(/^gateway_memory_limit_bytes (\S+)$/m.exec(scrape)?.[1])).toBeGreaterThan(0);
  });

  it("passes promtool check metrics on the gateway's own series", () => {
    const own = familiesWithPrefix(scrape, 'gateway_');
    expect(own).toContain('# TYPE gateway_webhooks_received_total counter');
    expect(own).toContain('# TYPE gateway_nats_publish_duration_seconds histogram');
    const lint = spawnSync(promtoolBin(), ['check', 'metrics'], { input: own, encoding: 'utf8' });
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);
  });

  it('labels every series with bounded values only: allowed sources, statuses, codes, subjects', () => {
    const own = samples.filter((s) => s.name.startsWith('gateway_'));
    const values = (label: string) => [...new Set(own.flatMap((s) => s.labels[label] ?? []))].sort();
    // The allowed sources and the served routes (custom), nothing a request chose.
    expect(values('source')).toEqual(['acme-bot', 'canary', 'custom', 'tradingview']);
    expect(values('status').every((s) => /^(\d{3}|ok|duplicate|error)$/.test(s))).toBe(true);
    expect(values('code').every((c) => /^[a-z_]+$/.test(c))).toBe(true);
    expect(values('subject')).toEqual(['signals.canary', 'signals.dlq', 'signals.normalized', 'signals.raw']);
  });

  it('filters every gateway and runtime query by the job, namespace and instance variables', () => {
    const unfiltered = queries.filter(({ expr }) =>
      [...expr.matchAll(/\b(?:gateway|nodejs|process)_\w+(\{[^}]*\})?/g)].some(
        ([, labels]) => !labels || !['$job', '$namespace', '$instance'].every((v) => labels.includes(v)),
      ),
    );
    expect(unfiltered.map((q) => `${q.where}: ${q.expr}`)).toEqual([]);
  });

  it('every dashboard query names only series (and labels) the gateway exports, or the rules record', () => {
    expect(queries.length).toBeGreaterThan(15);
    const missing = queries.flatMap(({ where, expr }) =>
      missingFrom(samples, expr, [...RECORDED_SERIES, ...FILE_SECRET_SERIES]).map((m) => `${where}: ${m}`),
    );
    expect(missing).toEqual([]);
  });

  it('every dashboard variable queries a series and label the gateway exports', () => {
    const missing = variableQueries.flatMap(({ where, query }) => {
      const m = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
      if (!m) return [`${where}: not label_values(series, label): ${query}`];
      const [, series, label] = m;
      const selector = series.endsWith('}')
        ? `${series.slice(0, -1)},${label}!=""}`
        : `${series}{${label}!=""}`;
      return missingFrom(samples, selector).map((x) => `${where}: ${x}`);
    });
    expect(missing).toEqual([]);
  });

  it('every rule names only series (and labels) the gateway exports, the rules record, or the scrape health `up`', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'GatewayErrorBudgetFastBurn',
        'GatewayAbsent',
        'GatewayNatsDisconnected',
        'GatewayPublishFailureRatio',
        'GatewayPublishBufferHigh',
        'GatewayMemoryNearLimit',
        'GatewayEventLoopLag',
        'GatewayDlqGrowth',
      ]),
    );
    const missing = allRules.flatMap(({ alert, record, expr }) =>
      missingFrom(samples, expr, [...SCRAPE_SERIES, ...RECORDED_SERIES, ...FILE_SECRET_SERIES]).map(
        (m) => `${alert ?? record}: ${m}`,
      ),
    );
    expect(missing).toEqual([]);
  });

  it('the check itself notices a series the gateway does not export', () => {
    expect(missingFrom(samples, 'rate(gateway_webhooks_received_total[5m])')).toEqual([]);
    expect(missingFrom(samples, 'rate(gateway_webhooks_total[5m])')).toEqual(['gateway_webhooks_total']);
    expect(missingFrom(samples, 'gateway_webhook_duration_seconds_bucket{subject="x"}')).toEqual([
      'gateway_webhook_duration_seconds_bucket{subject}',
    ]);
    expect(() => selectorsOf('sum(rate(gateway_webhooks_received_total[5m])')).toThrow(/syntax error/);
  });

  it('the dashboard is laid out for Grafana and reads from the provisioned Prometheus', () => {
    const datasources = parse(readFileSync(DATASOURCES, 'utf8')) as { datasources: { uid: string }[] };
    const uid = datasources.datasources[0].uid;
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`) ? `${panel.title} overlaps at ${i},${j}` : '').toBe('');
          cells.add(`${i},${j}`);
        }
      if (panel.type === 'row') continue;
      // The datasource variable, set by default to the provisioned Prometheus.
      expect(panel.datasource?.uid).toBe('${datasource}');
      expect((panel.targets ?? []).every((t) => t.datasource?.uid === '${datasource}')).toBe(true);
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
    const datasource = dashboard.templating.list.find((v) => v.type === 'datasource');
    expect(datasource?.current?.value).toBe(uid);
    const variables = new Set(dashboard.templating.list.map((v) => v.name));
    expect([...variables]).toEqual(expect.arrayContaining(['datasource', 'job', 'namespace', 'instance']));
    const used = queries.flatMap(({ expr }) =>
      [...expr.matchAll(/\$\{?(\w+)/g)].map((m) => m[1]).filter((v) => !v.startsWith('__')),
    );
    expect(used.filter((v) => !variables.has(v))).toEqual([]);
  });
});
