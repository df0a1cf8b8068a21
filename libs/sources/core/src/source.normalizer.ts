import { Injectable } from '@nestjs/common';
import type { NormalizationResult, SourceAdapter, WebhookRequest } from '@gateway/contracts';
import { issuesOf } from '@gateway/json-schema';
import { jsonObjectOf } from './payload-reader';
import { SourceRegistry } from './source.registry';

/**
 * A source's payload to the canonical signal, in the same three steps for every source and for
 * every caller (the webhook route and the DLQ replay): the body as a JSON object, checked against
 * the source's payload schema, then mapped by the source's normalizer.
 */
@Injectable()
export class SourceNormalizer {
  constructor(private readonly registry: SourceRegistry) {}

  normalize(adapter: SourceAdapter, webhook: WebhookRequest): NormalizationResult {
    const body = jsonObjectOf(webhook);
    if (!body.ok) return { ok: false, errors: [body.issue] };
    const check = this.registry.payloadCheck(adapter);
    // A payload of the wrong shape never reaches the normalizer, which may rely on the schema.
    if (!check(body.payload)) return { ok: false, errors: issuesOf(check.errors) };
    return adapter.normalize(body.payload, webhook);
  }
}
