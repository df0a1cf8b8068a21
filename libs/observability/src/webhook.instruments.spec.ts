import { Counter, Histogram, Registry } from 'prom-client';
import { WebhookInstruments } from './webhook.instruments';

function instruments() {
  const registry = new Registry();
  const counter = <T extends string>(name: string, labelNames: T[]) =>
    new Counter<T>({ name, help: name, labelNames, registers: [registry] });
  const metrics = new WebhookInstruments(
    counter('received_total', ['source', 'status']),
    new Histogram({ name: 'duration_seconds', help: 'd', labelNames: ['source'], registers: [registry] }),
    counter('validation_errors_total', ['type']),
    counter('rejected_total', ['source', 'code']),
    counter('duplicate_total', ['source']),
  );
  const value = async (name: string, labels: Record<string, string>) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const sample = (metric?.values ?? []).find((v) =>
      Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l),
    );
    return sample?.value ?? 0;
  };
  return { metrics, value };
}

describe('WebhookInstruments', () => {
  it('counts answers by source and status, and observes their latency', async () => {
    const { metrics, value } = instruments();
    metrics.record('tradingview', 202, undefined, 0.004);
    metrics.record('tradingview', 202, undefined, 0.006);
    metrics.record('acme-bot', 202, undefined, 0.002);
    expect(await value('received_total', { source: 'tradingview', status: '202' })).toBe(2);
    expect(await value('received_total', { source: 'acme-bot', status: '202' })).toBe(1);
    expect(await value('duration_seconds', { source: 'tradingview', le: '0.005' })).toBe(1);
    expect(await value('duration_seconds', { source: 'tradingview', le: '+Inf' })).toBe(2);
  });

  it('counts every error answer by its problem code, and only errors', async () => {
    const { metrics, value } = instruments();
    metrics.record('tradingview', 429, 'rate_limited', 0.001);
    metrics.record('tradingview', 429, 'rate_limited', 0.001);
    metrics.record('tradingview', 503, 'nats_unavailable', 0.001);
    metrics.record('tradingview', 202, undefined, 0.001);
    expect(await value('rejected_total', { source: 'tradingview', code: 'rate_limited' })).toBe(2);
    expect(await value('rejected_total', { source: 'tradingview', code: 'nats_unavailable' })).toBe(1);
    expect(await value('rejected_total', { source: 'tradingview', code: 'unknown' })).toBe(0);
  });

  it('names an error answer without a problem code "unknown" rather than dropping it', async () => {
    const { metrics, value } = instruments();
    metrics.record('unknown', 500, undefined, 0.001);
    expect(await value('rejected_total', { source: 'unknown', code: 'unknown' })).toBe(1);
  });

  it('counts a 200 as a duplicate', async () => {
    const { metrics, value } = instruments();
    metrics.record('acme-bot', 200, undefined, 0.001);
    metrics.record('acme-bot', 202, undefined, 0.001);
    expect(await value('duplicate_total', { source: 'acme-bot' })).toBe(1);
  });

  it('counts payload errors by type, and no other code', async () => {
    const { metrics, value } = instruments();
    metrics.record('tradingview', 422, 'schema_validation_failed', 0.001);
    metrics.record('custom', 400, 'invalid_json', 0.001);
    metrics.record('tradingview', 401, 'invalid_signature', 0.001);
    expect(await value('validation_errors_total', { type: 'schema_validation_failed' })).toBe(1);
    expect(await value('validation_errors_total', { type: 'invalid_json' })).toBe(1);
    expect(await value('validation_errors_total', { type: 'invalid_signature' })).toBe(0);
  });
});
