import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { type RequestHead, type SourceAdapter, webhookOf, WebhookContext } from '@gateway/contracts';
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

  /**
   * The checks that need no body, run by the body intake before it reads one: each source's
   * verification declares its own (`RouteVerifier.precheck`), e.g. signature headers present and
   * well-formed and the timestamp inside the window (401), or a token route's client address
   * (403). An unauthenticated upload is then refused from its headers, unread.
   */
  precheck(adapter: SourceAdapter, webhook: RequestHead, clientAddress: string | undefined): void {
    this.verifiers.forSource(adapter).precheck(webhook, clientAddress);
  }

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
