import { TokenBucketStorage } from './token-bucket.storage';

// limit = burst = 5, ttl = 1000 ms to refill all of it: 5 tokens/s, one token every 200 ms.
const LIMIT = 5;
const TTL = 1000;

describe('TokenBucketStorage', () => {
  let clock: number;
  let storage: TokenBucketStorage;
  const hit = (key = 'tradingview') => storage.increment(key, TTL, LIMIT);

  beforeEach(() => {
    clock = 1_000_000;
    storage = new TokenBucketStorage(() => clock);
  });

  it('lets a full burst through at once', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await hit()).isBlocked).toBe(false);
  });

  it('blocks the request after the burst, with a Retry-After of at least one second', async () => {
    for (let i = 0; i < LIMIT; i++) await hit();
    const blocked = await hit();
    expect(blocked.isBlocked).toBe(true);
    expect(blocked.timeToBlockExpire).toBeGreaterThanOrEqual(1);
  });

  it('reports Retry-After in seconds until the next token', async () => {
    // 0.1 request/s: limit 1 refilled over 10 s.
    expect((await storage.increment('slow', 10_000, 1)).isBlocked).toBe(false);
    const blocked = await storage.increment('slow', 10_000, 1);
    expect(blocked.isBlocked).toBe(true);
    expect(blocked.timeToBlockExpire).toBe(10);
    clock += 7_500;
    expect((await storage.increment('slow', 10_000, 1)).timeToBlockExpire).toBe(3);
  });

  it('refills at limit/ttl per millisecond', async () => {
    for (let i = 0; i < LIMIT; i++) await hit();
    clock += 199; // not yet a whole token
    expect((await hit()).isBlocked).toBe(true);
    clock += 2; // 201 ms: one token (and a little)
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(true);
    clock += 400; // two more
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(true);
  });

  it('never refills beyond the burst, however long it was idle', async () => {
    clock += 60_000;
    for (let i = 0; i < LIMIT; i++) expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(true);
  });

  it('does not let blocked requests drain the bucket further', async () => {
    for (let i = 0; i < LIMIT; i++) await hit();
    for (let i = 0; i < 10; i++) await hit();
    clock += 201;
    expect((await hit()).isBlocked).toBe(false);
  });

  it('keeps separate buckets per key', async () => {
    for (let i = 0; i < LIMIT; i++) await hit('a');
    expect((await hit('a')).isBlocked).toBe(true);
    expect((await hit('b')).isBlocked).toBe(false);
  });
});
