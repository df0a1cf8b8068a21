export * from './sources-core.module';
export * from './webhook-source.decorator';
export * from './source.registry';
export * from './source.normalizer';
export * from './normalization.pipe';
export * from './webhook.decorator';
export * from './payload-reader';
export * from './secret-fields';
