// Test support for unit specs only: in-memory fakes of the ports and a webhook request builder.
export * from './fake-ports';
export * from './webhook-request';
export * from './signing';
