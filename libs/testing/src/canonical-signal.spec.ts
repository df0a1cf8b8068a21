import type { Signal } from '@gateway/contracts';
import { canonicalSignalIssues } from './canonical-signal';

const signal: Signal = {
  instrument: 'ETH-USD',
  exchange: null,
  action: 'buy',
  price: 3010.5,
  quantity: 0,
  timeframe: '15',
  strategy: null,
  signal_time: '2026-11-27T12:00:00+01:00',
  extra: { note: null },
};
const fieldsOf = (over: Record<string, unknown>) =>
  canonicalSignalIssues({ ...signal, ...over }).map((i) => i.field);

describe('canonicalSignalIssues', () => {
  it('finds nothing wrong with a canonical signal, or an ok result holding one', () => {
    expect(canonicalSignalIssues(signal)).toEqual([]);
    expect(canonicalSignalIssues({ ok: true, signal })).toEqual([]);
  });

  it('says a refused result has nothing to check', () => {
    expect(canonicalSignalIssues({ ok: false, errors: [] })).toEqual([
      { field: 'result', message: 'is not ok: nothing to check' },
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an absent field', { exchange: undefined }, 'exchange'],
    ['a field that is not canonical', { side: 'buy' }, 'side'],
    ['untrimmed text', { instrument: ' BTC ' }, 'instrument'],
    ['empty text', { strategy: '' }, 'strategy'],
    ['a placeholder', { timeframe: '{{interval}}' }, 'timeframe'],
    ['a number left as text', { price: '3010.5' }, 'price'],
    ['an infinite number', { price: Infinity }, 'price'],
    ['a negative quantity', { quantity: -1 }, 'quantity'],
    ['an action outside buy/sell/close', { action: 'long' }, 'action'],
    ['a time that is not RFC 3339', { signal_time: '2026-11-27 noon' }, 'signal_time'],
    ['a date that does not exist', { signal_time: '2026-02-31T00:00:00Z' }, 'signal_time'],
    ['a year past 9999', { signal_time: '+030000-01-01T00:00:00.000Z' }, 'signal_time'],
  ])('names %s', (_, over, field) => {
    expect(fieldsOf(over)).toContain(field);
  });

  it('names a secret field or a prototype key in extra', () => {
    const extra = JSON.parse('{"passphrase":"x","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const issues = canonicalSignalIssues({ ...signal, extra }, { secretFields: ['passphrase'] });
    expect(issues.map((i) => i.field).sort()).toEqual(['extra.__proto__', 'extra.passphrase']);
  });
});
