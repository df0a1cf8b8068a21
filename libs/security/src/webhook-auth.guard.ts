import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { webhookOf, WebhookContext } from '@gateway/contracts';
import type { Request } from 'express';
import { KeyRing } from './key-ring';
import { assertInReplayWindow } from './replay-window';
import { SECURITY_OPTIONS } from './security.module-definition';
import type { SecurityModuleOptions } from './security.options';

/**
 * Who sent the request, checked against the credentials in force (KeyRing): by HMAC signature
 * (the gateway scheme or Standard Webhooks) on every route, except a route with a token profile
 * (TradingView with `TRADINGVIEW_AUTH=token`), which goes by client address and body passphrase
 * instead. Takes `Routed`, establishes `Authenticated`.
 */
@Injectable()
export class WebhookAuthGuard implements CanActivate {
  private readonly replayWindowSec: number;

  constructor(
    private readonly keys: KeyRing,
    @Inject(SECURITY_OPTIONS) options: SecurityModuleOptions,
  ) {
    this.replayWindowSec = options.replayWindowSec;
  }

  /**
   * The checks that need no body, run by the body intake before it reads one, so an
   * unauthenticated upload is refused from its headers: on a token route the client address
   * (403); else the signature headers present and well-formed (401) and the signed timestamp
   * inside the replay window (401).
   */
  precheck(webhook: Pick<WebhookContext, 'route' | 'header'>, clientAddress: string | undefined): void {
    const timestamp = this.keys.current.precheck(webhook, webhook.route, clientAddress);
    if (timestamp !== undefined) assertInReplayWindow(timestamp, this.replayWindowSec);
  }

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
