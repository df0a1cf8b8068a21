import { applyDecorators, Post, UseGuards } from '@nestjs/common';
import { ReplayGuard, SourceAllowlistGuard, SourcePolicyGuard, WebhookAuthGuard } from '@gateway/security';

/**
 * A webhook route and its gates, in order. Before the body is read, the body intake
 * (WebhookBodyMiddleware) has decided, once, what the headers alone decide: a known source and
 * media type (404/415, the `Routed` stage the guards start from) and the verification's precheck
 * (signature headers, the timestamp window, a token route's address: 401/403). Then these guards:
 * a valid signature, or a passphrase on a token route (401/403), a fresh timestamp and unused
 * nonce (401), an allowed source signed with its own secret (400/403/401), and the source's
 * policy: an in-flight slot (503) and a rate token, waited for within the budget (429). Only then
 * is the payload normalized and published (docs/architecture.md walks the whole path).
 */
export const WebhookRoute = (): MethodDecorator =>
  applyDecorators(
    Post(':source'),
    UseGuards(WebhookAuthGuard, ReplayGuard, SourceAllowlistGuard, SourcePolicyGuard),
  );
