// Test support for unit specs only: in-memory fakes of the ports, a webhook request builder, and
// the check of a normalizer's output against the canonical event.
export * from './fake-ports';
export * from './webhook-request';
export * from './signing';
export * from './canonical-signal';
export { keyMatch } from './key-match';
export { problemOf } from './problem-of';
