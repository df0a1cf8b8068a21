export * from './source-catalog';
