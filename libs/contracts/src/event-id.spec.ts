import { derivedEventId, rawEventId, uuidV5 } from './event-id';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event ids', () => {
  it('are deterministic: same (source, key), same id', () => {
    expect(rawEventId('tradingview', 'tv-1')).toBe(rawEventId('tradingview', 'tv-1'));
  });

  it('differ by source and by key', () => {
    const id = rawEventId('tradingview', 'tv-1');
    expect(rawEventId('bot-7', 'tv-1')).not.toBe(id);
    expect(rawEventId('tradingview', 'tv-2')).not.toBe(id);
  });

  it('do not collide when source and key split the same text differently', () => {
    expect(rawEventId('ab', 'c')).not.toBe(rawEventId('a', 'bc'));
  });

  it.each([
    ['raw', rawEventId('tradingview', 'tv-1')],
    ['normalized', derivedEventId(rawEventId('tradingview', 'tv-1'), 'normalized')],
    ['dlq', derivedEventId(rawEventId('tradingview', 'tv-1'), 'dlq')],
    ['empty name', uuidV5('')],
  ])('are UUID v5 (version 5, RFC 4122 variant): %s', (_kind, id) => {
    expect(id).toMatch(UUID_V5);
  });

  it('derive distinct, stable ids for the normalized and dlq events', () => {
    const raw = rawEventId('tradingview', 'tv-1');
    const normalized = derivedEventId(raw, 'normalized');
    const dlq = derivedEventId(raw, 'dlq');
    expect(new Set([raw, normalized, dlq]).size).toBe(3);
    expect(derivedEventId(raw, 'normalized')).toBe(normalized);
    expect(derivedEventId(rawEventId('tradingview', 'tv-2'), 'normalized')).not.toBe(normalized);
  });
});
