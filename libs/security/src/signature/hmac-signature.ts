import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const SHA256_BYTES = 32;

function hmac(key: Buffer, parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** What a signature check found: the keys that made it, and the MAC they made. */
export interface SignatureMatch {
  /** Indices of the keys under which the request is signed (none: invalid). */
  readonly keys: number[];
  /**
   * Hex of the MAC the first matching key computed over the signed material. It identifies the
   * signed bytes whatever scheme carried them (the gateway scheme's `<ts>.<nonce>.<body>` and
   * Standard Webhooks' `<id>.<ts>.<body>` can be the same bytes), so it is what replay protection
   * claims (docs/security.md, "Replay: one claim per signed byte string"). Ours, never the one the request offered.
   */
  readonly mac?: string;
}

/**
 * The keys under which one of `provided` is the HMAC of `parts`. Each key's MAC is computed once
 * however many signatures a request offers (a header listing hundreds must not cost hundreds of
 * HMACs over a 1 MiB body), and compared in constant time.
 */
export function matchingKeys(
  keys: readonly Buffer[],
  parts: readonly (string | Buffer)[],
  provided: readonly Buffer[],
): SignatureMatch {
  // Only 32-byte candidates, so timingSafeEqual never sees unequal lengths.
  const candidates = provided.filter((p) => p.length === SHA256_BYTES);
  const matched: number[] = [];
  let first: Buffer | undefined;
  if (candidates.length === 0) return { keys: matched };
  keys.forEach((key, index) => {
    const mac = hmac(key, parts);
    let match = false;
    for (const candidate of candidates) match = timingSafeEqual(mac, candidate) || match;
    if (!match) return;
    matched.push(index);
    first ??= mac;
  });
  return { keys: matched, mac: first?.toString('hex') };
}

/**
 * The gateway scheme (docs/contract.md 1.1): `sha256=` + hex HMAC-SHA256 of `<timestamp>.<nonce>.<body>`;
 * the bare hex is accepted too.
 */
export function gatewaySignatureKeys(
  keys: readonly Buffer[],
  signature: string,
  timestamp: string,
  nonce: string,
  body: Buffer,
): SignatureMatch {
  const hex = signature.startsWith('sha256=') ? signature.slice(7) : signature;
  if (!HEX_SHA256.test(hex)) return { keys: [] };
  return matchingKeys(keys, [`${timestamp}.${nonce}.`, body], [Buffer.from(hex, 'hex')]);
}

/**
 * Standard Webhooks (docs/contract.md 1.1a): space-separated `v1,<base64 HMAC of "<id>.<ts>.<body>">`
 * entries; any valid one wins.
 */
export function standardSignatureKeys(
  keys: readonly Buffer[],
  header: string,
  id: string,
  timestamp: string,
  body: Buffer,
): SignatureMatch {
  const provided = header
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  return matchingKeys(keys, [`${id}.${timestamp}.`, body], provided);
}
