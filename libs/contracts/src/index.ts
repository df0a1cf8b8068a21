export * from './subjects';
export * from './events';
export * from './event-id';
export * from './problem';
export * from './webhook-context';
export * from './source-adapter';
export * from './ports';
export * from './json-limits';
