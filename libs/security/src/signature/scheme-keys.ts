import type { HmacKeys, KeyMatch } from '@gateway/contracts';
import { matchingKeys } from './hmac-signature';
import type { KeyOwnership } from './key-ownership';
import type { SigningKeys } from './signing-keys';

/**
 * One key set's HMAC secrets as a source's own signing scheme (`@WebhookVerifier()`) sees them:
 * it learns which keys made a signature, never a key. Keys are used as configured (UTF-8 bytes),
 * as GitHub and Stripe use theirs.
 */
export class SchemeKeys implements HmacKeys {
  constructor(
    private readonly keys: SigningKeys,
    private readonly ownership: KeyOwnership,
  ) {}

  sha256(signed: readonly (string | Buffer)[], signatures: readonly Buffer[]): KeyMatch {
    return this.ownership.signedBy(matchingKeys(this.keys.gateway, signed, signatures).keys);
  }
}
