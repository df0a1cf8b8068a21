import { Injectable } from '@nestjs/common';
import { type Presented, type Routed, WebhookStep, type WebhookHttpRequest } from '@gateway/webhook';
import { VerifierRegistry } from './verification/verifier-registry';

/**
 * The credentials a request's headers present, before its body is read, by the verification its
 * source declares: signature headers present and well-formed and the timestamp inside the replay
 * window (401), or a token route's client address (403). An unauthenticated upload is refused from its headers, unread; what was read is
 * handed on, so the signature check parses no header again.
 */
@Injectable()
export class CredentialsGuard extends WebhookStep<Routed, Presented> {
  constructor(private readonly verifiers: VerifierRegistry) {
    super();
  }

  protected pass(routed: Routed, req: WebhookHttpRequest): Presented {
    // req.ip is the socket's address, or X-Forwarded-For as far as `trust proxy` trusts its hops.
    const credentials = this.verifiers.forRoute(routed.adapter.route).precheck(routed.webhook, req.ip);
    return { ...routed, credentials };
  }
}
