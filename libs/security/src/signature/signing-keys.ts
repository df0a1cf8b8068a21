/**
 * Key material for HMAC, decoded once at start-up. A Standard Webhooks secret written
 * `whsec_<base64>` is used as its decoded bytes; any other secret as its UTF-8 bytes.
 */
export interface SigningKeys {
  /** Keys for the gateway's own `X-Signature` scheme: the secrets exactly as configured. */
  readonly gateway: readonly Buffer[];
  /** Keys for Standard Webhooks: `whsec_` secrets decoded. */
  readonly standard: readonly Buffer[];
}

export function signingKeys(secrets: readonly string[]): SigningKeys {
  return {
    gateway: secrets.map((s) => Buffer.from(s, 'utf8')),
    standard: secrets.map((s) =>
      s.startsWith('whsec_') ? Buffer.from(s.slice(6), 'base64') : Buffer.from(s, 'utf8'),
    ),
  };
}
