import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';

export const NATS_PUBLISH_TOTAL = 'gateway_nats_publish_total';
export const NATS_CONNECTED = 'gateway_nats_connected';
export const PUBLISH_BUFFER_SIZE = 'gateway_publish_buffer_size';

export const natsMetricProviders = [
  makeCounterProvider({
    name: NATS_PUBLISH_TOTAL,
    help: 'JetStream publishes by subject and outcome (ok, duplicate, error).',
    labelNames: ['subject', 'status'],
  }),
  makeGaugeProvider({
    name: NATS_CONNECTED,
    help: '1 while the NATS connection is up and the stream is ready, else 0.',
  }),
  makeGaugeProvider({
    name: PUBLISH_BUFFER_SIZE,
    help: 'Publishes handed to the NATS client and not yet acknowledged.',
  }),
];
