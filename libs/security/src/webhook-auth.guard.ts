import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { webhookOf, WebhookContext } from '@gateway/contracts';
import type { Request } from 'express';
import { SECURITY_OPTIONS } from './security.module-definition';
import type { SecurityModuleOptions } from './security.options';
import { HmacAuthenticator } from './signature/hmac-authenticator';
import { signingKeys } from './signature/signing-keys';
import { TokenAuthenticator } from './token/token-authenticator';

/**
 * Who sent the request: by HMAC signature (the gateway scheme or Standard Webhooks) on every
 * route, except a route with a token profile (TradingView with `TRADINGVIEW_AUTH=token`), which
 * goes by client address and body passphrase instead. Keys and profiles are prepared once here.
 * Takes `Routed`, establishes `Authenticated`.
 */
@Injectable()
export class WebhookAuthGuard implements CanActivate {
  private readonly hmac: HmacAuthenticator;
  private readonly tokens: ReadonlyMap<string, TokenAuthenticator>;

  constructor(@Inject(SECURITY_OPTIONS) options: SecurityModuleOptions) {
    this.hmac = new HmacAuthenticator(signingKeys(options.secrets, options.sourceSecrets));
    this.tokens = new Map(
      (options.tokenProfiles ?? []).map((profile) => [profile.route, new TokenAuthenticator(profile)]),
    );
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request & { webhook?: WebhookContext }>();
    const webhook = webhookOf(req);
    const { adapter } = webhook.reached('routed');
    const token = this.tokens.get(adapter.route);
    // req.ip is the socket's address, or X-Forwarded-For as far as `trust proxy` trusts its hops.
    const auth = token ? token.authenticate(webhook, req.ip) : this.hmac.authenticate(webhook);
    webhook.establish('authenticated', { adapter, auth });
    return true;
  }
}
