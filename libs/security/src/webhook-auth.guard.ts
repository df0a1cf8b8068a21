import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { webhookOf, WebhookContext } from '@gateway/contracts';
import type { Request } from 'express';
import { KeyRing } from './key-ring';

/**
 * Who sent the request, checked against the credentials in force (KeyRing): by HMAC signature
 * (the gateway scheme or Standard Webhooks) on every route, except a route with a token profile
 * (TradingView with `TRADINGVIEW_AUTH=token`), which goes by client address and body passphrase
 * instead. Takes `Routed`, establishes `Authenticated`.
 */
@Injectable()
export class WebhookAuthGuard implements CanActivate {
  constructor(private readonly keys: KeyRing) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request & { webhook?: WebhookContext }>();
    const webhook = webhookOf(req);
    const { adapter } = webhook.reached('routed');
    // req.ip is the socket's address, or X-Forwarded-For as far as `trust proxy` trusts its hops.
    const auth = this.keys.current.authenticate(webhook, adapter.route, req.ip);
    webhook.establish('authenticated', { adapter, auth });
    return true;
  }
}
