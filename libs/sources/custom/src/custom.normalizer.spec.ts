import { canonicalSignalIssues } from '@gateway/testing';
import { normalizeCustom } from './custom.normalizer';

const canonical = {
  source: 'bot-7',
  id: 'sig-1',
  instrument: 'BTCUSDT',
  exchange: 'BINANCE',
  action: 'sell',
  price: 64123.5,
  quantity: 0.5,
  timeframe: '15',
  strategy: 'mean-revert',
  signal_time: '2026-11-27T12:00:00Z',
};

const fieldsOf = (result: ReturnType<typeof normalizeCustom>) =>
  result.ok ? [] : result.errors.map((e) => e.field);

describe('normalizeCustom', () => {
  it('accepts the canonical payload as is', () => {
    const result = normalizeCustom(canonical);
    expect(canonicalSignalIssues(result)).toEqual([]);
    expect(result).toEqual({
      ok: true,
      signal: {
        instrument: 'BTCUSDT',
        exchange: 'BINANCE',
        action: 'sell',
        price: 64123.5,
        quantity: 0.5,
        timeframe: '15',
        strategy: 'mean-revert',
        signal_time: '2026-11-27T12:00:00Z',
        extra: {},
      },
    });
  });

  it('needs only source, instrument and action', () => {
    const result = normalizeCustom({ source: 'bot-7', instrument: 'ETHUSD', action: 'close' });
    expect(result).toMatchObject({
      ok: true,
      signal: { instrument: 'ETHUSD', action: 'close', price: null },
    });
  });

  it('rejects a missing instrument', () => {
    const payload: Record<string, unknown> = { ...canonical };
    delete payload.instrument;
    expect(fieldsOf(normalizeCustom(payload))).toEqual(['instrument']);
  });

  it.each(['hold', 'long', 'short', 'exit', 'flat'])(
    'rejects %p: the canonical format takes buy/sell/close only',
    (action) => {
      expect(fieldsOf(normalizeCustom({ ...canonical, action }))).toEqual(['action']);
    },
  );

  it('matches the canonical words case-insensitively, like every source', () => {
    const result = normalizeCustom({ ...canonical, action: 'BUY' });
    expect(result.ok && result.signal.action).toBe('buy');
  });

  it('accepts numbers sent as strings', () => {
    const result = normalizeCustom({ ...canonical, price: '189.25', quantity: '10' });
    expect(canonicalSignalIssues(result)).toEqual([]);
    expect(result).toMatchObject({ ok: true, signal: { price: 189.25, quantity: 10 } });
  });

  it('rejects a negative quantity and a non-numeric price', () => {
    expect(fieldsOf(normalizeCustom({ ...canonical, quantity: -1, price: 'cheap' })).sort()).toEqual([
      'price',
      'quantity',
    ]);
  });

  it('keeps source and id out of extra and puts unknown fields in it', () => {
    const result = normalizeCustom({ ...canonical, confidence: 0.8, tags: ['a'] });
    expect(result.ok && result.signal.extra).toEqual({ confidence: 0.8, tags: ['a'] });
  });
});
