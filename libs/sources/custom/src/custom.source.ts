import { Injectable } from '@nestjs/common';
import {
  isSourceId,
  NormalizationResult,
  problem,
  SOURCE_ID_RULE,
  SourceAdapter,
  type WebhookRequest,
} from '@gateway/contracts';
import { jsonObjectOf, SourceRegistry, WebhookSource } from '@gateway/sources-core';
import { normalizeCustom } from './custom.normalizer';
import payloadSchema from './custom.payload.schema.json';

/**
 * Other bots posting the canonical format. The payload's `source` names the source, so a body
 * that does not parse cannot be attributed to anyone: that is a 400, not a 422. It may not name
 * a source served at its own route: that source's events would then come from two routes, under
 * two auth profiles, and no consumer (nor the DLQ replay) could tell which.
 */
@WebhookSource()
@Injectable()
export class CustomSource implements SourceAdapter {
  readonly route = 'custom';
  readonly contentTypes = ['application/json'];
  readonly verification = ['hmac'] as const;
  readonly payloadSchema = payloadSchema;

  constructor(private readonly registry: SourceRegistry) {}

  sourceId(webhook: WebhookRequest): string {
    const body = jsonObjectOf(webhook);
    if (!body.ok) throw problem('invalid_json', `the body ${body.issue.message}`);
    const { source } = body.payload;
    if (!isSourceId(source)) {
      throw problem('invalid_source', `the body needs a string "source" of ${SOURCE_ID_RULE}`);
    }
    if (source !== this.route && this.registry.find(source)) {
      throw problem('invalid_source', `"${source}" has its own route: /webhooks/${source}`);
    }
    return source;
  }

  normalize(payload: Record<string, unknown>): NormalizationResult {
    return normalizeCustom(payload);
  }
}
