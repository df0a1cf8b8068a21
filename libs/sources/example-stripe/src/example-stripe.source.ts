import { Injectable } from '@nestjs/common';
import type { NormalizationResult, SourceAdapter } from '@gateway/contracts';
import { WebhookSource } from '@gateway/sources-core';
import { normalizeStripeExample } from './example-stripe.normalizer';
import payloadSchema from './example-stripe.payload.schema.json';

/**
 * A sender that signs the Stripe way (stripe-signature.verifier.ts), posting event envelopes to
 * `/webhooks/example-stripe`. The event `id` is its idempotency key, the default field. Not served
 * unless listed in the catalog of sources.
 */
@WebhookSource()
@Injectable()
export class StripeExampleSource implements SourceAdapter {
  readonly route = 'example-stripe';
  readonly contentTypes = ['application/json'];
  readonly verification = ['stripe'] as const;
  readonly payloadSchema = payloadSchema;

  sourceId(): string {
    return this.route;
  }

  normalize(payload: Record<string, unknown>): NormalizationResult {
    return normalizeStripeExample(payload);
  }
}
