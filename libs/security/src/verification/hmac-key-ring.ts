import type { HmacKeys, KeyMatch } from '@gateway/contracts';
import { matchingKeys } from '../signature/hmac-signature';
import type { SigningKeys } from '../signature/signing-keys';

/**
 * The HMAC secrets as a verifier of its own scheme sees them: it learns which keys made a
 * signature, never a key. Keys are used as configured (UTF-8 bytes), as GitHub and Stripe use theirs.
 */
export class HmacKeyRing implements HmacKeys {
  constructor(private readonly keys: SigningKeys) {}

  sha256(signed: readonly (string | Buffer)[], signatures: readonly Buffer[]): KeyMatch {
    const matched = matchingKeys(this.keys.gateway, signed, signatures);
    return {
      owners: matched.map((i) => this.keys.owners[i]),
      keyIds: matched.map((i) => this.keys.ids[i]),
    };
  }
}
