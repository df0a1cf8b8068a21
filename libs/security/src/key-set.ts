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
   * What the headers alone decide, before the body is read: a token route's client address
   * (403); else the signature headers (401), returning the signed timestamp for the replay window.
   */
  precheck(
    webhook: Pick<WebhookContext, 'route' | 'header'>,
    route: string,
    clientAddress: string | undefined,
  ): number | undefined {
    const token = this.tokens.get(route);
    if (token) return void token.precheck(webhook, clientAddress);
    return this.hmac.precheck(webhook);
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
