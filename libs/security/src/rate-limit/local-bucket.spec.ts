import type { Reservation } from '@gateway/contracts';
import { LocalBucket } from './local-bucket';

const waitOf = (r: Reservation): number => ('readyInMs' in r ? Math.round(r.readyInMs) : -1);
const retryOf = (r: Reservation): number => ('retryAfterMs' in r ? Math.round(r.retryAfterMs) : -1);

describe('LocalBucket', () => {
  let clock: number;
  const bucket = (rate: number, burst: number) => new LocalBucket({ rate, burst }, () => clock);

  beforeEach(() => (clock = 1_000_000));

  it('lets a full burst through without waiting', () => {
    const b = bucket(50, 500);
    const waits = Array.from({ length: 500 }, () => waitOf(b.reserve(0)));
    expect(new Set(waits)).toEqual(new Set([0]));
  });

  it('shapes a request over the rate into a wait instead of refusing it', () => {
    const b = bucket(10, 2);
    b.reserve(0);
    b.reserve(0);
    expect(b.reserve(0).granted).toBe(0);
    // One token every 100 ms: the next three wait 100, 200 and 300 ms.
    expect([b.reserve(700), b.reserve(700), b.reserve(700)].map(waitOf)).toEqual([100, 200, 300]);
  });

  it('refuses only past the wait allowed, with the time after which a retry would get in', () => {
    const b = bucket(10, 1);
    b.reserve(0);
    for (let i = 0; i < 7; i++) b.reserve(700); // tokens reserved up to 700 ms ahead
    const refused = b.reserve(700);
    expect(refused.granted).toBe(0);
    // The next token is at 800 ms, within 700 ms of waiting once 100 ms have passed.
    expect(retryOf(refused)).toBe(100);
    clock += 100;
    expect(waitOf(b.reserve(700))).toBe(700);
  });

  it('a refused request takes nothing from the bucket', () => {
    const b = bucket(10, 1);
    b.reserve(0);
    for (let i = 0; i < 20; i++) b.reserve(0);
    clock += 100;
    expect(waitOf(b.reserve(0))).toBe(0);
  });

  it('a source that stays above its rate is held to it', () => {
    const b = bucket(10, 5);
    let admitted = 0;
    // 200 requests/s (20x) for 5 s, each allowed to wait 500 ms.
    for (let ms = 0; ms < 5000; ms += 5, clock += 5) admitted += b.reserve(500).granted;
    expect(admitted).toBeLessThanOrEqual(5 + 10 * 5.5);
    expect(admitted).toBeGreaterThanOrEqual(5 + 10 * 5.5 - 1);
  });
});
