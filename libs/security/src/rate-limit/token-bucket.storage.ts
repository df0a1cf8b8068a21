import type { ThrottlerStorage } from '@nestjs/throttler';

// The record type is not exported from the package's entry point; taken from the public interface.
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket behind @nestjs/throttler's storage interface: `limit` is the burst (the bucket's
 * size) and `ttl` the time to refill it, so the sustained rate is limit/ttl. The built-in storage
 * counts fixed windows, which lets twice the limit through across a window edge.
 * Keys are source ids (bounded by the allowlist), so the map cannot grow without bound.
 */
export class TokenBucketStorage implements ThrottlerStorage {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    const perMs = limit / ttl;
    const bucket = this.buckets.get(key) ?? { tokens: limit, updatedAt: now };
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.updatedAt) * perMs);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    const isBlocked = bucket.tokens < 1;
    if (!isBlocked) bucket.tokens -= 1;
    return Promise.resolve({
      totalHits: Math.ceil(limit - bucket.tokens),
      timeToExpire: Math.ceil((limit - bucket.tokens) / perMs / 1000),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((1 - bucket.tokens) / perMs / 1000) : 0,
    });
  }
}
