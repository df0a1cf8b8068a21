import type { AuthResult, WebhookContext } from '@gateway/contracts';
import type { Credentials } from './security.options';
import { HmacAuthenticator } from './signature/hmac-authenticator';
import { KeyOwnership } from './signature/key-ownership';
import { signingKeys } from './signature/signing-keys';
import { TokenAuthenticator } from './token/token-authenticator';
import type { VerifiedTallies } from './verified-tallies';

/**
 * One generation of credentials, prepared whole (keys decoded, counters bound) before it is put
 * in force, and never changed after: a request authenticates against the one set it started with.
 */
export class KeySet {
  private readonly hmac: HmacAuthenticator;
  private readonly tokens: ReadonlyMap<string, TokenAuthenticator>;

  constructor(credentials: Credentials, allowedSources: readonly string[], verified: VerifiedTallies) {
    const keys = signingKeys(credentials.secrets, credentials.sourceSecrets);
    this.hmac = new HmacAuthenticator(keys, new KeyOwnership(keys, allowedSources, verified));
    this.tokens = new Map(
      (credentials.tokenProfiles ?? []).map((profile) => [profile.route, new TokenAuthenticator(profile)]),
    );
  }

  /**
   * By HMAC signature (the gateway scheme or Standard Webhooks) on every route, except a route
   * with a token profile (TradingView with `TRADINGVIEW_AUTH=token`), which goes by client
   * address and body passphrase instead.
   */
  authenticate(webhook: WebhookContext, route: string, clientAddress: string | undefined): AuthResult {
    const token = this.tokens.get(route);
    return token ? token.authenticate(webhook, clientAddress) : this.hmac.authenticate(webhook);
  }
}
