import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const SHA256_BYTES = 32;

function hmac(key: Buffer, parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Indices of the keys under which one of `provided` is the HMAC of `parts`. Each key's MAC is
 * computed once however many signatures a request offers (a header listing hundreds must not
 * cost hundreds of HMACs over a 1 MiB body), and compared in constant time.
 */
export function matchingKeys(
  keys: readonly Buffer[],
  parts: readonly (string | Buffer)[],
  provided: readonly Buffer[],
): number[] {
  // Only 32-byte candidates, so timingSafeEqual never sees unequal lengths.
  const candidates = provided.filter((p) => p.length === SHA256_BYTES);
  const matched: number[] = [];
  if (candidates.length === 0) return matched;
  keys.forEach((key, index) => {
    const mac = hmac(key, parts);
    let match = false;
    for (const candidate of candidates) match = timingSafeEqual(mac, candidate) || match;
    if (match) matched.push(index);
  });
  return matched;
}

/**
 * The gateway scheme (CONTRACT.md 1.1): `sha256=` + hex HMAC-SHA256 of `<timestamp>.<nonce>.<body>`;
 * the bare hex is accepted too. Returns the indices of the keys that made it (none: invalid).
 */
export function gatewaySignatureKeys(
  keys: readonly Buffer[],
  signature: string,
  timestamp: string,
  nonce: string,
  body: Buffer,
): number[] {
  const hex = signature.startsWith('sha256=') ? signature.slice(7) : signature;
  if (!HEX_SHA256.test(hex)) return [];
  return matchingKeys(keys, [`${timestamp}.${nonce}.`, body], [Buffer.from(hex, 'hex')]);
}

/**
 * Standard Webhooks (CONTRACT.md 1.1a): space-separated `v1,<base64 HMAC of "<id>.<ts>.<body>">`
 * entries; any valid one wins. Returns the indices of the keys that made one (none: invalid).
 */
export function standardSignatureKeys(
  keys: readonly Buffer[],
  header: string,
  id: string,
  timestamp: string,
  body: Buffer,
): number[] {
  const provided = header
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  return matchingKeys(keys, [`${id}.${timestamp}.`, body], provided);
}
