import { type AuthResult, problem } from '@gateway/contracts';
import { gatewaySignatureKeys, type SignatureMatch, standardSignatureKeys } from './hmac-signature';
import type { KeyOwnership } from './key-ownership';
import type { SignedHeaders } from './signed-headers';
import { SigningKeys } from './signing-keys';

/**
 * Authenticates a request by its HMAC signature over the exact bytes received: the gateway's
 * `X-Signature` scheme, or Standard Webhooks, from the signed headers the precheck read. The
 * result names the keys that signed it, so the allowlist can hold a source to its own secret.
 *
 * The replay claim is the MAC itself, not the scheme's nonce field: one signed byte string can be
 * presented as a gateway-scheme request and as a Standard Webhook (`<ts>.<nonce>.` reads as
 * `<id>.<ts>.` when the nonce is a Unix time), or with the nonce/body boundary moved, and each
 * reading has its own nonce field. The signed bytes, and so the MAC, are the same in every reading,
 * so claiming the MAC lets the same signed bytes in at most once, whatever scheme carries them.
 */
export class HmacAuthenticator {
  constructor(
    private readonly keys: SigningKeys,
    private readonly ownership: KeyOwnership,
  ) {}

  authenticate({ scheme, timestamp, token, signature }: SignedHeaders, body: Buffer): AuthResult {
    if (scheme === 'gateway') {
      const match = gatewaySignatureKeys(this.keys.gateway, signature, timestamp, token, body);
      return { timestamp: Number(timestamp), singleUseNonce: true, ...this.claimOf(match) };
    }
    const match = standardSignatureKeys(this.keys.standard, signature, token, timestamp, body);
    // The id alone is the sender's message identity (its retries reuse it with a new timestamp,
    // hence a new MAC); id + timestamp + body is this one delivery, so only an exact replay is refused.
    return { timestamp: Number(timestamp), idempotencyKey: token, ...this.claimOf(match) };
  }

  /** Whom the matching keys speak for, and the replay claim: the MAC of the signed bytes. */
  private claimOf(match: SignatureMatch): Pick<AuthResult, 'nonce' | 'nonceSignsBody' | 'signedBy'> {
    if (match.keys.length === 0 || match.mac === undefined) {
      throw problem('invalid_signature', 'the signature does not match the request');
    }
    return { nonce: `mac:${match.mac}`, nonceSignsBody: true, signedBy: this.ownership.signedBy(match.keys) };
  }
}
