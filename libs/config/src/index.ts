export * from './load-environment';
export * from './patterns';
