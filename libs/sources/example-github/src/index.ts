export * from './example-github.module';
export * from './example-github.source';
export * from './example-github.normalizer';
export * from './github-signature.verifier';
