import { Injectable, PipeTransform } from '@nestjs/common';
import type { NormalizedWebhook, WebhookContext } from '@gateway/contracts';
import { SourceNormalizer } from './source.normalizer';

/**
 * Runs the request's source normalizer: payload in, canonical signal (or the reasons why not)
 * out. Takes what the guards established (`Allowed`) and returns the `NormalizedWebhook` the
 * ingest service works on.
 */
@Injectable()
export class NormalizationPipe implements PipeTransform<WebhookContext, NormalizedWebhook> {
  constructor(private readonly normalizer: SourceNormalizer) {}

  transform(webhook: WebhookContext): NormalizedWebhook {
    const { adapter, auth, sourceId } = webhook.reached('allowed');
    const result = this.normalizer.normalize(adapter, webhook);
    webhook.validation = result.ok ? 'valid' : 'invalid';
    if (result.ok) webhook.instrument = result.signal.instrument;
    return { webhook, adapter, auth, sourceId, result };
  }
}
