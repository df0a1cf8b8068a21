import { Injectable, PipeTransform } from '@nestjs/common';
import type { Claimed, NormalizedWebhook } from '@gateway/webhook';
import { SourceNormalizer } from './source.normalizer';

/**
 * Runs the request's source normalizer: payload in, canonical signal (or the reasons why not)
 * out. Takes what the guards established and hands the ingest service a `NormalizedWebhook`,
 * recorded as the request's last result (its log line names the instrument and the validation).
 */
@Injectable()
export class NormalizationPipe implements PipeTransform<Claimed, NormalizedWebhook> {
  constructor(private readonly normalizer: SourceNormalizer) {}

  transform(claimed: Claimed): NormalizedWebhook {
    const normalized = { ...claimed, result: this.normalizer.normalize(claimed.adapter, claimed.webhook) };
    claimed.webhook.advance(normalized);
    return normalized;
  }
}
