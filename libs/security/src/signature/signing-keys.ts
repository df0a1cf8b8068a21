import { createHash } from 'node:crypto';

/** Owner of the shared secrets (API_KEY_HMAC_SECRET): not a valid source id, so never confused with one. */
export const SHARED_SECRET_OWNER = '*';

/**
 * Key material for HMAC, decoded once at start-up, as parallel lists: key `i` belongs to
 * `owners[i]`. A Standard Webhooks secret written `whsec_<base64>` is used as its decoded bytes;
 * any other secret as its UTF-8 bytes.
 */
export interface SigningKeys {
  /** Whom each key speaks for: a source id (its own secret) or SHARED_SECRET_OWNER. */
  readonly owners: readonly string[];
  /** Each key's id, its metric label: a fingerprint that does not reveal the key. */
  readonly ids: readonly string[];
  /** Keys for the gateway's own `X-Signature` scheme: the secrets exactly as configured. */
  readonly gateway: readonly Buffer[];
  /** Keys for Standard Webhooks: `whsec_` secrets decoded. */
  readonly standard: readonly Buffer[];
}

export function signingKeys(
  shared: readonly string[],
  perSource: Readonly<Record<string, readonly string[]>> = {},
): SigningKeys {
  const entries: [string, string][] = [
    ...shared.map((secret): [string, string] => [SHARED_SECRET_OWNER, secret]),
    ...Object.entries(perSource).flatMap(([source, secrets]) =>
      secrets.map((secret): [string, string] => [source, secret]),
    ),
  ];
  return {
    owners: entries.map(([owner]) => owner),
    ids: entries.map(([, s]) => keyFingerprint(s)),
    gateway: entries.map(([, s]) => Buffer.from(s, 'utf8')),
    standard: entries.map(([, s]) =>
      s.startsWith('whsec_') ? Buffer.from(s.slice(6), 'base64') : Buffer.from(s, 'utf8'),
    ),
  };
}

const FINGERPRINT_DOMAIN = 'at-gateway key fingerprint v1\0';

/**
 * `fp-` and 8 hex digits of SHA-256 over a domain-separated string: tells keys apart on a
 * dashboard without being a prefix of the key or of use as a MAC under any scheme verified here.
 */
export function keyFingerprint(secret: string): string {
  const hash = createHash('sha256').update(FINGERPRINT_DOMAIN).update(secret, 'utf8').digest('hex');
  return `fp-${hash.slice(0, 8)}`;
}
