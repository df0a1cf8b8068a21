export * from './custom.module';
export * from './custom.source';
export * from './custom.normalizer';
