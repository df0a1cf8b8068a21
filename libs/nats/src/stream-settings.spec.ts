import { DiscardPolicy, nanos, type StreamConfig } from 'nats';
import { covers, describeDrifts, newStreamConfig, streamDrifts } from './stream-settings';

describe('covers (NATS subject matching)', () => {
  it.each([
    ['signals.>', 'signals.raw'],
    ['signals.>', 'signals.raw.v1'],
    ['signals.*', 'signals.dlq'],
    ['signals.raw', 'signals.raw'],
    ['*.normalized', 'signals.normalized'],
    ['>', 'signals.raw'],
    ['>', 'anything'],
  ])('%p covers %p', (pattern, subject) => {
    expect(covers(pattern, subject)).toBe(true);
  });

  it.each([
    ['signals.>', 'signals'], // `>` needs at least one more token
    ['signals.>', 'orders.raw'],
    ['signals.*', 'signals.raw.v1'], // `*` is exactly one token
    ['signals.*', 'signals'],
    ['signals.raw', 'signals.raw.v1'],
    ['signals.raw', 'signals.dlq'],
    ['signals.raw.v1', 'signals.raw'],
    ['signals', 'signals.raw'],
  ])('%p does not cover %p', (pattern, subject) => {
    expect(covers(pattern, subject)).toBe(false);
  });
});

describe('streamDrifts', () => {
  const want = { replicas: 1, duplicateWindowSec: 3600, maxAgeSec: 7 * 86400, maxBytes: 2 ** 30 };
  const config = newStreamConfig('s', want) as StreamConfig;

  it('finds nothing in the stream the gateway creates', () => {
    expect(streamDrifts(config, want)).toEqual([]);
  });

  it('names each difference, marks which break the contract, and fixes all of them', () => {
    const drifted = {
      ...config,
      subjects: ['signals.raw', 'signals.normalized'],
      duplicate_window: nanos(60_000),
      max_age: 0,
      max_bytes: -1,
      discard: DiscardPolicy.Old,
    };
    const drifts = streamDrifts(drifted, want);
    expect(drifts.map((d) => [d.field, d.essential])).toEqual([
      ['subjects', true],
      ['duplicate_window', true],
      ['max_age', false],
      ['max_bytes', false],
      ['discard', false],
    ]);
    expect(describeDrifts(drifts)).toContain('duplicate_window 60s -> 3600s');
    const fixed = drifts.reduce((c, d) => d.fix(c), drifted);
    expect(fixed.subjects).toEqual(['signals.raw', 'signals.normalized', 'signals.dlq']);
    expect(streamDrifts(fixed, want)).toEqual([]);
  });

  it('does not hold a longer duplicate window against the stream', () => {
    const [drift] = streamDrifts({ ...config, duplicate_window: nanos(7200_000) }, want);
    expect(drift).toMatchObject({ field: 'duplicate_window', essential: false });
  });
});
