import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { normalizeTradingView } from './tradingview.normalizer';

interface Case {
  name: string;
  body: unknown;
  expect: { status: number; normalized?: Record<string, unknown> };
}

const FIXTURES = path.join(__dirname, '../../../../../shared/fixtures/tradingview-cases.json');
const { cases } = JSON.parse(readFileSync(FIXTURES, 'utf8')) as { cases: Case[] };
const objectCases = cases.filter(
  (c): c is Case & { body: Record<string, unknown> } =>
    typeof c.body === 'object' && c.body !== null && !Array.isArray(c.body),
);

describe('normalizeTradingView, shared fixtures', () => {
  it('has JSON-object cases of both outcomes to run', () => {
    expect(objectCases.some((c) => c.expect.status === 202)).toBe(true);
    expect(objectCases.some((c) => c.expect.status === 422)).toBe(true);
  });

  it.each(objectCases.filter((c) => c.expect.status === 202).map((c) => [c.name, c] as const))(
    'accepts: %s',
    (_name, c) => {
      const result = normalizeTradingView(c.body);
      expect(result).toEqual({ ok: true, signal: expect.anything() });
      if (result.ok) expect(result.signal).toMatchObject(c.expect.normalized ?? {});
    },
  );

  it.each(objectCases.filter((c) => c.expect.status === 422).map((c) => [c.name, c] as const))(
    'rejects: %s',
    (_name, c) => {
      const result = normalizeTradingView(c.body);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
    },
  );
});

describe('normalizeTradingView', () => {
  it('never puts the passphrase in extra', () => {
    const result = normalizeTradingView({
      ticker: 'BTCUSDT',
      action: 'buy',
      passphrase: 'hunter2',
      note: 'x',
    });
    expect(result.ok && result.signal.extra).toEqual({ note: 'x' });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('lists every problem at once', () => {
    const result = normalizeTradingView({ action: 'hold', price: '{{close}}', contracts: '-1' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.field).sort()).toEqual(['action', 'contracts', 'price', 'ticker']);
    }
  });

  it.each([
    ['exit', 'close'],
    ['flat', 'close'],
    ['short', 'sell'],
    ['Long', 'buy'],
  ])('maps the position word %p to %p', (word, action) => {
    const result = normalizeTradingView({ ticker: 'X', action: word });
    expect(result.ok && result.signal.action).toBe(action);
  });

  it('fills absent optional fields with null', () => {
    const result = normalizeTradingView({ ticker: 'X', action: 'buy' });
    expect(result).toEqual({
      ok: true,
      signal: {
        instrument: 'X',
        exchange: null,
        action: 'buy',
        price: null,
        quantity: null,
        timeframe: null,
        strategy: null,
        signal_time: null,
        extra: {},
      },
    });
  });
});
