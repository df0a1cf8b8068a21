import { Injectable } from '@nestjs/common';
import type { NormalizationResult, SourceAdapter } from '@gateway/contracts';
import { WebhookSource } from '@gateway/sources-core';
import { normalizeExample } from './example.normalizer';
import payloadSchema from './example.payload.schema.json';

/**
 * The worked example of docs/adding-a-source.md: a bot that posts JSON to `/webhooks/example`,
 * signed with the gateway's HMAC scheme. Not served unless listed in libs/sources/catalog/src/source-catalog.ts.
 */
@WebhookSource()
@Injectable()
export class ExampleSource implements SourceAdapter {
  readonly route = 'example';
  readonly contentTypes = ['application/json'];
  readonly auth = ['hmac'] as const;
  readonly payloadSchema = payloadSchema;

  sourceId(): string {
    return this.route;
  }

  normalize(payload: Record<string, unknown>): NormalizationResult {
    return normalizeExample(payload);
  }
}
