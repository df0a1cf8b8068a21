// What more than one library or app must agree on, and nothing that computes for only one of them:
// the events (types, subjects, ids, JSON Schemas, the mapping to them), the problem codes, the ports
// and their errors, the SourceAdapter and verification interfaces with the decorators that find
// them, and the rules several libraries must read alike (source ids, signal times, a stale signal).
export * from './subjects';
export * from './events';
export * from './event-id';
export * from './problem';
export * from './webhook-request';
export * from './auth-result';
export * from './signal-time';
export * from './source-id';
export * from './plain-object';
export * from './source-adapter';
export * from './source-settings';
export * from './ports';
export * from './token-bucket';
export * from './store-errors';
export * from './json-limits';
export * from './json-schema';
export * from './event-schemas';
export * from './normalized-event';
export * from './raw-body';
export * from './verification';
export * from './signal-freshness';
