import { Injectable, PipeTransform } from '@nestjs/common';
import type { NormalizationResult, WebhookContext } from '@gateway/contracts';
import { SourceNormalizer } from './source.normalizer';

export interface NormalizedWebhook {
  webhook: WebhookContext;
  result: NormalizationResult;
}

/** Runs the request's source normalizer: payload in, canonical signal (or the reasons why not) out. */
@Injectable()
export class NormalizationPipe implements PipeTransform<WebhookContext, NormalizedWebhook> {
  constructor(private readonly normalizer: SourceNormalizer) {}

  transform(webhook: WebhookContext): NormalizedWebhook {
    const result = this.normalizer.normalize(webhook.adapter!, webhook);
    webhook.validation = result.ok ? 'valid' : 'invalid';
    if (result.ok) webhook.instrument = result.signal.instrument;
    return { webhook, result };
  }
}
