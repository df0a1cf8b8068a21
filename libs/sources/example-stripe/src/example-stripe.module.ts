import { Module } from '@nestjs/common';
import { StripeExampleSource } from './example-stripe.source';
import { StripeSignatureVerifier } from './stripe-signature.verifier';

@Module({ providers: [StripeExampleSource, StripeSignatureVerifier] })
export class StripeExampleSourceModule {}
