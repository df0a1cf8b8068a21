import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const NATS_PUBLISH_TOTAL = 'gateway_nats_publish_total';
export const NATS_PUBLISH_DURATION_SECONDS = 'gateway_nats_publish_duration_seconds';
export const NATS_CONNECTED = 'gateway_nats_connected';
export const PUBLISH_BUFFER_SIZE = 'gateway_publish_buffer_size';
export const PUBLISH_BUFFER_CAPACITY = 'gateway_publish_buffer_capacity';
export const NATS_FAILURES_TOTAL = 'gateway_nats_failures_total';
export const NATS_FAILING = 'gateway_nats_failing';
export const STREAM_USAGE_RATIO = 'gateway_stream_usage_ratio';

export const natsMetricProviders = [
  makeCounterProvider({
    name: NATS_PUBLISH_TOTAL,
    help: 'JetStream publishes by subject and outcome (ok, duplicate, error).',
    labelNames: ['subject', 'status'],
  }),
  makeHistogramProvider({
    name: NATS_PUBLISH_DURATION_SECONDS,
    help: 'Time from a JetStream publish to its acknowledgement (or failure), by subject.',
    labelNames: ['subject'],
    // A local ack takes well under a millisecond; the top bucket is NATS_PUBLISH_TIMEOUT_MS' limit.
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2],
  }),
  makeGaugeProvider({
    name: NATS_CONNECTED,
    help: '1 while the NATS connection is up and the stream is ready, else 0.',
  }),
  makeCounterProvider({
    name: NATS_FAILURES_TOTAL,
    help: 'NATS failures by cause (unreachable, auth_refused, tls, permission, stream_missing, stream_full, ...), retries included.',
    labelNames: ['cause'],
  }),
  makeGaugeProvider({
    name: NATS_FAILING,
    help: '1 for the cause that currently keeps the gateway from writing to NATS, else 0 (all 0 when healthy).',
    labelNames: ['cause'],
  }),
  makeGaugeProvider({
    name: PUBLISH_BUFFER_SIZE,
    help: 'Publishes handed to the NATS client and not yet acknowledged.',
  }),
  makeGaugeProvider({
    name: PUBLISH_BUFFER_CAPACITY,
    help: 'The publish buffer bound (PUBLISH_BUFFER_MAX): beyond it webhooks get 503 at once.',
  }),
  makeGaugeProvider({
    name: STREAM_USAGE_RATIO,
    help: "The provisioned stream's use of its limits (bytes, messages), 0 to 1; 0 for a limit it does not have.",
    labelNames: ['resource'],
  }),
];
