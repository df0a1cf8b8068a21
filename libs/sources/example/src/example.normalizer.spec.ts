import { canonicalSignalIssues } from '@gateway/testing';
import { EXAMPLE_SIDES, normalizeExample } from './example.normalizer';

const alert = (signal: Record<string, unknown> = {}, more: Record<string, unknown> = {}) => ({
  id: 'alert-1',
  signal: { symbol: 'ETHUSDT', venue: 'BINANCE', side: 'long', size: 2, limit_price: 3010.5, ...signal },
  strategy: 'breakout',
  fired_at: '2026-11-27T12:00:00Z',
  ...more,
});

describe('normalizeExample', () => {
  it('maps the nested signal to the canonical one; other top-level fields go to extra', () => {
    const result = normalizeExample(alert({}, { desk: 'eu' }));
    expect(canonicalSignalIssues(result)).toEqual([]);
    expect(result).toEqual({
      ok: true,
      signal: {
        instrument: 'ETHUSDT',
        exchange: 'BINANCE',
        action: 'buy',
        price: 3010.5,
        quantity: 2,
        timeframe: null,
        strategy: 'breakout',
        signal_time: '2026-11-27T12:00:00Z',
        extra: { desk: 'eu' },
      },
    });
  });

  it.each([
    ['short', 'sell'],
    ['FLAT', 'close'],
  ])('reads side %p as %p', (side, action) => {
    const result = normalizeExample(alert({ side }));
    expect(result.ok && result.signal.action).toBe(action);
  });

  it('names an unknown side by its path in the payload', () => {
    expect(normalizeExample(alert({ side: 'exit' }))).toEqual({
      ok: false,
      errors: [{ field: 'signal.side', message: 'must be one of long, short, flat' }],
    });
  });

  it('takes further side words when given them (how a fix extends it)', () => {
    const result = normalizeExample(alert({ side: 'exit' }), { ...EXAMPLE_SIDES, exit: 'close' });
    expect(result.ok && result.signal.action).toBe('close');
  });
});
