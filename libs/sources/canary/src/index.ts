export * from './canary.module';
export * from './canary.source';
