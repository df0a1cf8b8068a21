import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

function hmac(key: Buffer, parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Whether `provided` equals the HMAC of `parts` under any key, compared in constant time. */
function matchesAnyKey(
  keys: readonly Buffer[],
  parts: readonly (string | Buffer)[],
  provided: Buffer,
): boolean {
  // Both sides are 32-byte digests here, so timingSafeEqual never sees unequal lengths.
  if (provided.length !== 32) return false;
  let match = false;
  for (const key of keys) match = timingSafeEqual(hmac(key, parts), provided) || match;
  return match;
}

/**
 * The gateway scheme (CONTRACT.md 1.1): `sha256=` + hex HMAC-SHA256 of `<timestamp>.<nonce>.<body>`;
 * the bare hex is accepted too.
 */
export function verifyGatewaySignature(
  keys: readonly Buffer[],
  signature: string,
  timestamp: string,
  nonce: string,
  body: Buffer,
): boolean {
  const hex = signature.startsWith('sha256=') ? signature.slice(7) : signature;
  if (!HEX_SHA256.test(hex)) return false;
  return matchesAnyKey(keys, [`${timestamp}.${nonce}.`, body], Buffer.from(hex, 'hex'));
}

/**
 * Standard Webhooks (CONTRACT.md 1.1a): space-separated `v1,<base64 HMAC of "<id>.<ts>.<body>">`
 * entries; any valid one wins.
 */
export function verifyStandardSignature(
  keys: readonly Buffer[],
  header: string,
  id: string,
  timestamp: string,
  body: Buffer,
): boolean {
  const parts = [`${id}.${timestamp}.`, body];
  return header
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => matchesAnyKey(keys, parts, Buffer.from(entry.slice(3), 'base64')));
}
