import { Injectable } from '@nestjs/common';
import { CANARY_SUBJECT, type NormalizationResult, type SourceAdapter } from '@gateway/contracts';
import { WebhookSource } from '@gateway/sources-core';
import payloadSchema from './canary.payload.schema.json';

/**
 * The canary (docs/observability.md "Canary"): a sender posts one small signed object every minute
 * through the public entry, so a broken certificate, load balancer, key or stream is noticed when
 * no market is open. Verified like any other source and allowed like one (`ALLOWED_SOURCES`); its
 * events, raw and normalized alike, go to `signals.canary` only, which no trading consumer reads.
 */
@WebhookSource()
@Injectable()
export class CanarySource implements SourceAdapter {
  readonly route = 'canary';
  readonly contentTypes = ['application/json'];
  readonly verification = ['hmac'] as const;
  readonly payloadSchema = payloadSchema;
  readonly eventSubject = CANARY_SUBJECT;

  sourceId(): string {
    return this.route;
  }

  /** A fixed, inert signal: the event proves the path, it is never a trade. */
  normalize(): NormalizationResult {
    const signal = { instrument: 'CANARY', exchange: null, action: 'close' as const, price: null };
    return {
      ok: true,
      signal: { ...signal, quantity: null, timeframe: null, strategy: null, signal_time: null, extra: {} },
    };
  }
}
