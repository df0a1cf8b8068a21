import { Injectable } from '@nestjs/common';
import type { NormalizationResult, SourceAdapter } from '@gateway/contracts';
import { WebhookSource } from '@gateway/sources-core';
import { normalizeTradingView, TRADINGVIEW_SECRET_FIELDS } from './tradingview.normalizer';
import payloadSchema from './tradingview.payload.schema.json';
import { TRADINGVIEW_SETTINGS, TRADINGVIEW_VERIFICATION } from './tradingview.settings';

/**
 * TradingView alerts. TradingView posts `application/json` when the alert message parses as JSON
 * and `text/plain` otherwise, so a body that is not a JSON object is a 422 (kept for review),
 * not a 400: it is how a mistyped alert template arrives.
 */
@WebhookSource()
@Injectable()
export class TradingViewSource implements SourceAdapter {
  readonly route = TRADINGVIEW_SETTINGS.route;
  readonly contentTypes = ['application/json', 'text/plain'];
  readonly secretFields = TRADINGVIEW_SECRET_FIELDS;
  readonly verification = TRADINGVIEW_VERIFICATION;
  readonly payloadSchema = payloadSchema;

  sourceId(): string {
    return 'tradingview';
  }

  normalize(payload: Record<string, unknown>): NormalizationResult {
    return normalizeTradingView(payload);
  }
}
