import { canonicalSignalIssues } from '@gateway/testing';
import { normalizeStripeExample } from './example-stripe.normalizer';

const event = (object: Record<string, unknown> = {}, more: Record<string, unknown> = {}) => ({
  id: 'evt_1',
  object: 'event',
  type: 'signal.created',
  created: 1795780800,
  livemode: false,
  data: {
    object: {
      instrument: 'BTC-USD',
      exchange: 'COINBASE',
      side: 'SELL',
      quantity: 0.5,
      price: '64123.5',
      ...object,
    },
  },
  ...more,
});

describe('normalizeStripeExample', () => {
  it('maps data.object to the canonical signal; created is the signal time; the envelope rest goes to extra', () => {
    const result = normalizeStripeExample(event({ note: 'x' }));
    expect(result).toEqual({
      ok: true,
      signal: {
        instrument: 'BTC-USD',
        exchange: 'COINBASE',
        action: 'sell',
        price: 64123.5,
        quantity: 0.5,
        timeframe: null,
        strategy: null,
        signal_time: '2026-11-27T12:00:00.000Z',
        extra: { type: 'signal.created', livemode: false, note: 'x' },
      },
    });
    expect(canonicalSignalIssues(result)).toEqual([]);
  });

  it('names what it refuses by its path in the event', () => {
    expect(normalizeStripeExample(event({ side: 'long', quantity: -2 }))).toEqual({
      ok: false,
      errors: [
        { field: 'data.object.side', message: 'must be one of buy, sell, close' },
        { field: 'data.object.quantity', message: 'must be at least 0' },
      ],
    });
  });
});
