import type { HmacKeys } from '@gateway/contracts';
import type { Credentials, TokenProfileOptions } from './security.options';
import { HmacAuthenticator } from './signature/hmac-authenticator';
import { KeyOwnership } from './signature/key-ownership';
import { SchemeKeys } from './signature/scheme-keys';
import { signingKeys } from './signature/signing-keys';
import type { VerifiedTallies } from './verified-tallies';

/**
 * One generation of credentials, prepared whole (keys decoded, counters bound) before it is put
 * in force, and never changed after: a request authenticates against the one set it started with.
 * Every verification reads its keys here (the VerifierRegistry prepares its route verifiers from
 * each set), so a rotation reaches every scheme at once.
 */
export class KeySet {
  /** The gateway's own HMAC schemes (`X-Signature`, Standard Webhooks). */
  readonly hmac: HmacAuthenticator;
  /** The same keys lent to a source's own signing scheme. */
  readonly schemeKeys: HmacKeys;
  private readonly tokens: ReadonlyMap<string, TokenProfileOptions>;

  constructor(credentials: Credentials, allowedSources: readonly string[], verified: VerifiedTallies) {
    const keys = signingKeys(credentials.secrets, credentials.sourceSecrets);
    const ownership = new KeyOwnership(keys, allowedSources, verified);
    this.hmac = new HmacAuthenticator(keys, ownership);
    this.schemeKeys = new SchemeKeys(keys, ownership);
    this.tokens = new Map((credentials.tokenProfiles ?? []).map((profile) => [profile.route, profile]));
  }

  /** The passphrases (and addresses, when configured) of a route served by a token verification. */
  tokenProfile(route: string): TokenProfileOptions | undefined {
    return this.tokens.get(route);
  }
}
