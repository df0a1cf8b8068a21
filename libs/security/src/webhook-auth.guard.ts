import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { webhookOf, WebhookContext } from '@gateway/contracts';
import type { Request } from 'express';
import { VerifierRegistry } from './verification/verifier-registry';

/**
 * Who sent the request, by the verification its source declares (`SourceAdapter.verification`):
 * the gateway's HMAC schemes, a token profile (client address and body passphrase), or a scheme
 * of the source's own. The verifications are prepared by the VerifierRegistry from the key set in
 * force (KeyRing), and again after each rotation. Takes `Routed`, establishes `Authenticated`.
 */
@Injectable()
export class WebhookAuthGuard implements CanActivate {
  constructor(private readonly verifiers: VerifierRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request & { webhook?: WebhookContext }>();
    const webhook = webhookOf(req);
    const { adapter } = webhook.reached('routed');
    // req.ip is the socket's address, or X-Forwarded-For as far as `trust proxy` trusts its hops.
    const auth = this.verifiers.forSource(adapter).authenticate(webhook, req.ip);
    webhook.establish('authenticated', { adapter, auth });
    return true;
  }
}
