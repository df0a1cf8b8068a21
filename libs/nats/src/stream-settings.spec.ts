import { covers } from './stream-settings';

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
