import { signalTimeOf } from './signal-time';

describe('signalTimeOf: the one reading of a signal time', () => {
  it.each([
    ['2026-11-27T12:00:00Z', 1795780800000, '2026-11-27T12:00:00Z'],
    ['2026-11-27T12:00:00+01:00', 1795777200000, '2026-11-27T12:00:00+01:00'],
    ['2026-11-27 12:00:00.250z', 1795780800250, '2026-11-27 12:00:00.250z'],
    [1795780800, 1795780800000, '2026-11-27T12:00:00.000Z'],
    [1795780800000, 1795780800000, '2026-11-27T12:00:00.000Z'],
    ['1795780800', 1795780800000, '2026-11-27T12:00:00.000Z'],
    ['1795780800000', 1795780800000, '2026-11-27T12:00:00.000Z'],
  ])('reads %p', (value, ms, text) => {
    expect(signalTimeOf(value)).toEqual({ ms, text });
  });

  it.each([
    'around noon',
    '2026-02-31T12:00:00Z',
    '2026-11-27',
    '2026-11-27T25:00:00Z',
    '-5',
    '',
    Infinity,
    NaN,
    1e20,
    null,
    {},
    true,
  ])('is no time for %p', (value) => {
    expect(signalTimeOf(value)).toBeUndefined();
  });
});
