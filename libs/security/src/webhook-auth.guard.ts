import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { webhookOf, WebhookContext } from '@gateway/contracts';
import type { Request } from 'express';
import { KeyRing } from './key-ring';

/**
 * Who sent the request, checked against the credentials in force (KeyRing): by HMAC signature on
 * every route, or by address and passphrase on a route with a token profile.
 */
@Injectable()
export class WebhookAuthGuard implements CanActivate {
  constructor(private readonly keys: KeyRing) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request & { webhook?: WebhookContext }>();
    const webhook = webhookOf(req);
    // req.ip is the socket's address, or X-Forwarded-For as far as `trust proxy` trusts its hops.
    webhook.auth = this.keys.current.authenticate(webhook, req.ip);
    return true;
  }
}
