export * from './observability.module';
export * from './correlation-id';
export * from './logger-options';
export * from './webhook.metrics';
export * from './webhook-telemetry.middleware';
export * from './build-info';
export { WebhookInstruments } from './webhook.instruments';
export * from './framework-quiet.logger';
export { traceparentOf } from './trace-context';
