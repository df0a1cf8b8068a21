import { createHash } from 'node:crypto';

// A fixed namespace makes event ids a pure function of their inputs (RFC 9562 UUIDv5), so every
// replica, and every retry, derives the same id and JetStream's duplicate window can recognise it.
const NAMESPACE = Buffer.from('5b0c3c2e8a7f4f0e9d4b6f1a2c3d4e5f', 'hex');

export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The raw event's id: one per (source, idempotency key). */
export function rawEventId(source: string, idempotencyKey: string): string {
  return uuidV5(`${source}\n${idempotencyKey}`);
}

/** Ids of the events derived from a raw event, stable across retries. */
export function derivedEventId(rawId: string, kind: 'normalized' | 'dlq'): string {
  return uuidV5(`${rawId}\n${kind}`);
}
