export * from './config-error';
export * from './load-environment';
export * from './patterns';
export * from './runtime-environment';
export * from './secret-keys';
export * from './secret-variables';
export * from './startup';
export * from './secret-files.watcher';
