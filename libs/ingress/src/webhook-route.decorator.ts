import { applyDecorators, Post, UseGuards } from '@nestjs/common';
import { ReplayGuard, SourceAllowlistGuard, SourcePolicyGuard, WebhookAuthGuard } from '@gateway/security';
import { SourceRouteGuard } from '@gateway/sources-core';

/**
 * A webhook route and its gates, in order: a known source and media type (404/415), a valid
 * signature, or an allowed address and passphrase on a token route (401/403), a fresh timestamp
 * and unused nonce (401), an allowed source signed with its own secret (400/403/401), and the
 * source's policy: an in-flight slot (503) and a rate token, waited for within the budget (429).
 * Only then is the payload normalized and published.
 */
export const WebhookRoute = (): MethodDecorator =>
  applyDecorators(
    Post(':source'),
    UseGuards(SourceRouteGuard, WebhookAuthGuard, ReplayGuard, SourceAllowlistGuard, SourcePolicyGuard),
  );
