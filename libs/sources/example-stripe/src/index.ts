export * from './example-stripe.module';
export * from './example-stripe.source';
export * from './example-stripe.normalizer';
export * from './stripe-signature.verifier';
