import type { BucketLimits } from '@gateway/contracts';
import { type BucketState, reserveTokens } from './token-bucket';

// 10 tokens/s (one every 100 ms), 5 at once.
const LIMITS: BucketLimits = { rate: 10, burst: 5 };
const T0 = 1_000_000;

describe('reserveTokens', () => {
  it('starts full: a burst is granted at once', () => {
    const { state, reservation } = reserveTokens(undefined, LIMITS, 5, 0, T0);
    expect(reservation).toEqual({ granted: 5, readyInMs: 0 });
    expect(state).toEqual({ tokens: 0, at: T0 });
  });

  it('reserves tokens ahead of the refill, each ready when the refill reaches it', () => {
    let state: BucketState = { tokens: 0, at: T0 };
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const next = reserveTokens(state, LIMITS, 1, 1000, T0);
      state = next.state;
      waits.push('readyInMs' in next.reservation ? next.reservation.readyInMs : -1);
    }
    expect(waits.map(Math.round)).toEqual([100, 200, 300]);
  });

  it('grants only what is ready within the wait allowed, and says when the rest would be', () => {
    const { reservation, state } = reserveTokens({ tokens: 0, at: T0 }, LIMITS, 10, 250, T0);
    expect(reservation).toEqual({ granted: 2, readyInMs: 200 });
    const refused = reserveTokens(state, LIMITS, 1, 250, T0).reservation;
    expect(refused.granted).toBe(0);
    // Tokens at -2: the next one is ready in 300 ms, within the 250 ms wait once 50 ms have passed.
    expect('retryAfterMs' in refused && Math.round(refused.retryAfterMs)).toBe(50);
  });

  it('does not change the state when it grants nothing', () => {
    const state = { tokens: -2.5, at: T0 };
    expect(reserveTokens(state, LIMITS, 1, 0, T0).state.tokens).toBe(-2.5);
  });

  it('refills at the rate, never above the burst', () => {
    expect(reserveTokens({ tokens: 0, at: T0 }, LIMITS, 1, 0, T0 + 99).reservation.granted).toBe(0);
    expect(reserveTokens({ tokens: 0, at: T0 }, LIMITS, 1, 0, T0 + 100).reservation.granted).toBe(1);
    expect(reserveTokens({ tokens: 0, at: T0 }, LIMITS, 50, 0, T0 + 60_000).reservation.granted).toBe(5);
  });

  it('pays reservations back before new tokens are free', () => {
    // 3 reserved ahead: after 300 ms the bucket is at zero again, after 400 ms one is free.
    expect(reserveTokens({ tokens: -3, at: T0 }, LIMITS, 1, 0, T0 + 300).reservation.granted).toBe(0);
    expect(reserveTokens({ tokens: -3, at: T0 }, LIMITS, 1, 0, T0 + 400).reservation.granted).toBe(1);
  });

  it('holds a source that stays above its rate to that rate', () => {
    // 100 requests/s for 10 s against 10/s with a burst of 5 and 500 ms of wait.
    let state: BucketState | undefined;
    let granted = 0;
    for (let ms = 0; ms < 10_000; ms += 10) {
      const next = reserveTokens(state, LIMITS, 1, 500, T0 + ms);
      state = next.state;
      granted += next.reservation.granted;
    }
    // burst + rate * (10 s + the 0.5 s reserved ahead), never more.
    expect(granted).toBeLessThanOrEqual(5 + 10 * 10.5);
    expect(granted).toBeGreaterThanOrEqual(5 + 10 * 10.5 - 1);
  });
});
