export * from './example.module';
export * from './example.source';
export * from './example.normalizer';
