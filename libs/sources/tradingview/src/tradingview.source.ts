import { Injectable } from '@nestjs/common';
import type { NormalizationResult, SourceAdapter } from '@gateway/contracts';
import { WebhookSource } from '@gateway/sources-core';
import { normalizeTradingView, TRADINGVIEW_SECRET_FIELDS } from './tradingview.normalizer';
import payloadSchema from './tradingview.payload.schema.json';

/** The addresses TradingView posts webhooks from (docs/contract.md 1.1b); TRADINGVIEW_IPS may replace them. */
export const TRADINGVIEW_ADDRESSES = ['52.89.214.238', '34.212.75.30', '54.218.53.128', '52.32.178.7'];

/**
 * The token profile TradingView is served with under `TRADINGVIEW_AUTH=token`: it cannot set
 * headers, so its alerts carry a passphrase. `{{timenow}}` is when the alert fired; `{{time}}` is
 * the bar's open, which can be hours old, so it counts only when `timenow` is absent.
 */
export const TRADINGVIEW_TOKEN = {
  scheme: 'token',
  field: 'passphrase',
  timeFields: ['timenow', 'time'],
  addresses: TRADINGVIEW_ADDRESSES,
} as const;

/**
 * TradingView alerts. TradingView posts `application/json` when the alert message parses as JSON
 * and `text/plain` otherwise, so a body that is not a JSON object is a 422 (kept for review),
 * not a 400: it is how a mistyped alert template arrives.
 */
@WebhookSource()
@Injectable()
export class TradingViewSource implements SourceAdapter {
  readonly route = 'tradingview';
  readonly contentTypes = ['application/json', 'text/plain'];
  readonly secretFields = TRADINGVIEW_SECRET_FIELDS;
  readonly verification = ['hmac', TRADINGVIEW_TOKEN] as const;
  readonly payloadSchema = payloadSchema;

  sourceId(): string {
    return 'tradingview';
  }

  normalize(payload: Record<string, unknown>): NormalizationResult {
    return normalizeTradingView(payload);
  }
}
