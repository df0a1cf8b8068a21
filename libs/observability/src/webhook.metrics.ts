import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const WEBHOOKS_RECEIVED_TOTAL = 'gateway_webhooks_received_total';
export const WEBHOOK_DURATION_SECONDS = 'gateway_webhook_duration_seconds';
export const VALIDATION_ERRORS_TOTAL = 'gateway_validation_errors_total';
export const WEBHOOKS_REJECTED_TOTAL = 'gateway_webhooks_rejected_total';
export const WEBHOOKS_DUPLICATE_TOTAL = 'gateway_webhooks_duplicate_total';
export const HTTP_REFUSALS_TOTAL = 'gateway_http_refusals_total';
export const BODY_BYTES_RESERVED = 'gateway_body_bytes_reserved';
export const SIGNAL_AGE_SECONDS = 'gateway_signal_age_seconds';

export const webhookMetricProviders = [
  makeCounterProvider({
    name: WEBHOOKS_RECEIVED_TOTAL,
    help: 'Webhook requests answered, by source and HTTP status.',
    labelNames: ['source', 'status'],
  }),
  makeHistogramProvider({
    name: WEBHOOK_DURATION_SECONDS,
    help: 'Time from request to response for webhooks, by source.',
    labelNames: ['source'],
    // Around the two JetStream round trips, up to the 2.5 s answer deadline.
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5],
  }),
  makeCounterProvider({
    name: VALIDATION_ERRORS_TOTAL,
    help: 'Webhooks refused for their payload, by error code.',
    labelNames: ['type'],
  }),
  makeCounterProvider({
    name: WEBHOOKS_REJECTED_TOTAL,
    help: 'Webhooks answered with an error (4xx or 5xx), by source and problem code.',
    labelNames: ['source', 'code'],
  }),
  makeCounterProvider({
    name: WEBHOOKS_DUPLICATE_TOTAL,
    help: 'Webhooks answered 200 duplicate: the idempotency key was already stored.',
    labelNames: ['source'],
  }),
  makeCounterProvider({
    name: HTTP_REFUSALS_TOTAL,
    help: 'Requests refused before any route ran (HTTP parser, Host, Expect), by problem code.',
    labelNames: ['code'],
  }),
  makeHistogramProvider({
    name: SIGNAL_AGE_SECONDS,
    help: 'Receipt time minus signal_time, for every valid signal carrying one, by source (one ahead of the clock counts 0).',
    labelNames: ['source'],
    // From a prompt alert (under a second) to the minutes a queue or a retry by hand takes.
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
  }),
  makeGaugeProvider({
    name: BODY_BYTES_RESERVED,
    help: 'Body bytes reserved by the webhooks in flight, against BODY_MEMORY_BUDGET_BYTES.',
  }),
];
