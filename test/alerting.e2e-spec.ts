import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shippedRulesWithShorterFor } from './support/alerting-rules';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { MountedSecret } from './support/mounted-secret';
import { TestNatsServer } from './support/nats-server';
import { ActiveAlert, TestPrometheus } from './support/prometheus-server';
import { post, signed, tradingViewAlert } from './support/signing';

const ROOT = join(__dirname, '..');
// Every `for:` of the shipped rules divided by 20 (GatewayAbsent's 5m: 15s); expressions unchanged.
const FOR_FACTOR = 20;
const NAMESPACES = ['prod', 'staging', 'outage'] as const;
type Namespace = (typeof NAMESPACES)[number];
// Alerts that follow the machine's load, not the traffic (six test suites share two cores here):
// they may come and go in any phase and are no part of what this spec asserts.
const LOAD_ALERTS = ['GatewayEventLoopLag', 'GatewayHighP99Latency'];

const dashboard = JSON.parse(
  readFileSync(join(ROOT, 'deploy/grafana/dashboards/at-gateway.json'), 'utf8'),
) as {
  panels: { title: string; targets?: { expr: string }[] }[];
};
const grafanaQueries = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
);

/** Requests sent on a timer until stopped; a refused or failed one is simply the next sample. */
class Traffic {
  private readonly timers: NodeJS.Timeout[] = [];
  every(ms: number, send: () => Promise<unknown>, { now = false } = {}): void {
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      void send()
        .catch(() => undefined)
        .finally(() => (busy = false));
    };
    this.timers.push(setInterval(tick, ms));
    if (now) tick();
  }
  stop(): void {
    this.timers.forEach(clearInterval);
  }
}

const key = (a: ActiveAlert) =>
  [a.labels.alertname, a.labels.namespace, a.labels.source ?? a.labels.cause ?? ''].join(' ').trim();

describe('the shipped alerts in a real Prometheus scraping real gateways through real faults', () => {
  const nats = {} as Record<Namespace, TestNatsServer>;
  const gateways = {} as Record<Namespace, GatewayProcess>;
  let prometheus: TestPrometheus;
  const traffic = new Traffic();
  let acmeSecret = SECRET;
  // The signing key as production mounts it: a file of the Secret (its reload series exist then).
  const secrets = new MountedSecret().update({ API_KEY_HMAC_SECRET: SECRET });

  const signal = (ns: Namespace, route: string, body: string, secret = SECRET) =>
    post(`${gateways[ns].url}/webhooks/${route}`, body, {
      'content-type': 'application/json',
      ...signed(secret, body),
    });
  const acme = () =>
    JSON.stringify({ source: 'acme-bot', id: randomUUID(), instrument: 'ETHUSDT', action: 'buy' });
  const alertsNow = async () =>
    (await prometheus.alerts()).filter((a) => !LOAD_ALERTS.includes(a.labels.alertname));

  beforeAll(async () => {
    await Promise.all(NAMESPACES.map(async (ns) => (nats[ns] = await new TestNatsServer().start())));
    for (const ns of NAMESPACES) {
      gateways[ns] = await new GatewayProcess({
        NATS_URL: nats[ns].url,
        NATS_STREAM: `alerting-${ns}`,
        API_KEY_HMAC_SECRET_FILE: secrets.path('API_KEY_HMAC_SECRET'),
        ALLOWED_SOURCES: 'tradingview,acme-bot,canary',
        ENV: 'test',
        LOG_LEVEL: 'warn',
      }).start({ managementPort: true });
    }
    // Two (three) deployments told apart only by the namespace label their scrape job gives them.
    const scrapeConfigs = NAMESPACES.map((ns) => ({
      job_name: `${ns}/at-gateway`,
      static_configs: [{ targets: [new URL(gateways[ns].managementUrl).host] }],
      relabel_configs: [
        { target_label: 'namespace', replacement: ns },
        { target_label: 'pod', replacement: `at-gateway-${ns}-0` },
      ],
    }));
    prometheus = await new TestPrometheus(
      {
        global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
        scrape_configs: scrapeConfigs,
      },
      { 'alerts.yml': shippedRulesWithShorterFor(ROOT, FOR_FACTOR) },
    ).start();

    traffic.every(200, () => signal('prod', 'tradingview', tradingViewAlert()));
    traffic.every(200, () => signal('outage', 'tradingview', tradingViewAlert()));
    traffic.every(250, () => signal('staging', 'custom', acme(), acmeSecret));
    traffic.every(2000, () => signal('staging', 'tradingview', tradingViewAlert()));
  }, 90_000);

  afterAll(async () => {
    traffic.stop();
    await prometheus?.dispose();
    await Promise.all(NAMESPACES.map((ns) => gateways[ns]?.stop()));
    await Promise.all(NAMESPACES.map((ns) => nats[ns]?.dispose()));
    secrets.dispose();
  });

  it('healthy traffic, a scanner trickle included, raises no alert at all', async () => {
    const scraped = async (samples: number) => {
      const counts = await prometheus.query('count_over_time(up{job=~".*at-gateway.*"}[2m])');
      return counts.length === NAMESPACES.length && counts.every((c) => Number(c.value[1]) >= samples);
    };
    await prometheus.until(() => scraped(30), '30 s of scrapes of every gateway');
    // A scanner posting junk twice a minute to the custom route of a deployment whose signals are
    // accepted: a source refused entirely, but a trickle. Started once the series have history,
    // as in production, where a pod's counters are scraped long before the first junk arrives.
    traffic.every(30_000, () => signal('outage', 'custom', acme(), 'a-scanner-guess-0000'), { now: true });
    // Until Prometheus has seen the scanner twice, and a minute of everything.
    const refused = 'sum(gateway_webhooks_received_total{namespace="outage",source="custom",status="401"})';
    await prometheus.until(
      async () => Number((await prometheus.query(refused))[0]?.value[1]) >= 2,
      'two junk posts',
    );
    await prometheus.until(() => scraped(60), '60 s of scrapes of every gateway');
    const accepted = await prometheus.query(
      'sum by (namespace) (gateway_webhooks_received_total{status="202"}) > 10',
    );
    expect(accepted.map((r) => r.metric.namespace).sort()).toEqual([...NAMESPACES].sort());
    expect((await alertsNow()).map(key)).toEqual([]);
  }, 120_000);

  it('prod down, NATS down, a source refused: each pages for its namespace, and nothing else does', async () => {
    await gateways.prod.stop();
    await nats.outage.stop();
    acmeSecret = 'a-rotated-key-the-gateway-lacks';
    const expected = [
      'GatewayAbsent prod',
      'GatewayAuthRejectionStorm staging custom',
      'GatewayDown prod',
      'GatewayErrorBudgetFastBurn outage',
      // A total outage spends the budget at every pace: the slow burn's windows see it too.
      'GatewayErrorBudgetSlowBurn outage',
      'GatewayNatsDisconnected outage',
      'GatewayNatsFailing outage unreachable',
    ];
    const firing = async () => (await alertsNow()).filter((a) => a.state === 'firing').map(key);
    await prometheus.until(
      async () => {
        const now = await firing();
        return expected.every((e) => now.includes(e));
      },
      `firing: ${expected.join(', ')}`,
      180_000,
    );
    // Stores that time out while NATS goes away may also count as failed publishes: a true warning.
    const consequence = (k: string) => k.startsWith('GatewayPublishFailureRatio outage');
    const active = (await alertsNow()).map(key).filter((k) => !consequence(k));
    expect([...new Set(active)].sort()).toEqual(expected);
  }, 200_000);

  it('every dashboard query returns data after the traffic and the faults', async () => {
    const empty: string[] = [];
    for (const { panel, expr } of grafanaQueries) {
      const query = expr
        .replace(/\$__rate_interval/g, '1m')
        .replace(/\$job/g, '.*at-gateway.*')
        .replace(/\$(namespace|instance|source)/g, '.*');
      if ((await prometheus.query(query)).length === 0) empty.push(`${panel}: ${expr}`);
    }
    expect(empty).toEqual([]);
  }, 60_000);
});
