import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const SOURCE_SHAPING_DELAY_SECONDS = 'gateway_source_shaping_delay_seconds';
export const SOURCE_REFUSALS_TOTAL = 'gateway_source_refusals_total';
export const SOURCE_IN_FLIGHT = 'gateway_source_in_flight';
export const RATE_LEASES_TOTAL = 'gateway_rate_leases_total';

/** Why the policy guard refused a webhook (the `reason` label). */
export const REFUSAL_REASONS = ['rate_limited', 'in_flight'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export const sourcePolicyMetricProviders = [
  makeHistogramProvider({
    name: SOURCE_SHAPING_DELAY_SECONDS,
    help: 'How long admitted webhooks waited for a token of their source (0 when one was free), by source.',
    labelNames: ['source'],
    // Up to the longest wait a policy may allow (the store budget less the publish timeout).
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2],
  }),
  makeCounterProvider({
    name: SOURCE_REFUSALS_TOTAL,
    help: 'Webhooks refused by their source policy, by source and reason (rate_limited: 429, in_flight: 503).',
    labelNames: ['source', 'reason'],
  }),
  makeGaugeProvider({
    name: SOURCE_IN_FLIGHT,
    help: 'Webhooks of a source in progress on this replica (waiting for a token included).',
    labelNames: ['source'],
  }),
  makeCounterProvider({
    name: RATE_LEASES_TOTAL,
    help: 'Round trips to the cluster-wide rate-limit bucket, by source (cluster-scoped sources only).',
    labelNames: ['source'],
  }),
];
