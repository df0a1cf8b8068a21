import type { SigningSecret } from '../security.options';

/** Owner of the shared secrets (API_KEY_HMAC_SECRET): not a valid source id, so never confused with one. */
export const SHARED_SECRET_OWNER = '*';

/**
 * Key material for HMAC, decoded once when the keys are loaded, as parallel lists: key `i`
 * belongs to `owners[i]` and is labelled `ids[i]`. A Standard Webhooks secret written
 * `whsec_<base64>` is used as its decoded bytes; any other secret as its UTF-8 bytes.
 */
export interface SigningKeys {
  /** Whom each key speaks for: a source id (its own secret) or SHARED_SECRET_OWNER. */
  readonly owners: readonly string[];
  /** Each key's id (given, or a fingerprint): its metric label, never the key. */
  readonly ids: readonly string[];
  /** Keys for the gateway's own `X-Signature` scheme: the secrets exactly as configured. */
  readonly gateway: readonly Buffer[];
  /** Keys for Standard Webhooks: `whsec_` secrets decoded. */
  readonly standard: readonly Buffer[];
}

export function signingKeys(
  shared: readonly SigningSecret[],
  perSource: Readonly<Record<string, readonly SigningSecret[]>> = {},
): SigningKeys {
  const entries: [string, SigningSecret][] = [
    ...shared.map((key): [string, SigningSecret] => [SHARED_SECRET_OWNER, key]),
    ...Object.entries(perSource).flatMap(([source, keys]) =>
      keys.map((key): [string, SigningSecret] => [source, key]),
    ),
  ];
  return {
    owners: entries.map(([owner]) => owner),
    ids: entries.map(([, key]) => key.id),
    gateway: entries.map(([, { secret }]) => Buffer.from(secret, 'utf8')),
    standard: entries.map(([, { secret }]) =>
      secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8'),
    ),
  };
}
