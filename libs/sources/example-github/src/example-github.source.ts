import { Injectable } from '@nestjs/common';
import type { NormalizationResult, SourceAdapter } from '@gateway/contracts';
import { WebhookSource } from '@gateway/sources-core';
import { normalizeGithubExample } from './example-github.normalizer';
import payloadSchema from './example-github.payload.schema.json';

/**
 * A bot that signs the GitHub way (github-signature.verifier.ts), posting JSON to
 * `/webhooks/example-github`. Its id comes from the `X-GitHub-Delivery` header, so it has no
 * payload id field (`idempotencyField: null`). Not served unless listed in the catalog of sources.
 */
@WebhookSource()
@Injectable()
export class GithubExampleSource implements SourceAdapter {
  readonly route = 'example-github';
  readonly contentTypes = ['application/json'];
  readonly verification = ['github'] as const;
  readonly idempotencyField = null;
  readonly payloadSchema = payloadSchema;

  sourceId(): string {
    return this.route;
  }

  normalize(payload: Record<string, unknown>): NormalizationResult {
    return normalizeGithubExample(payload);
  }
}
