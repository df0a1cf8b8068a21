import { applyDecorators, Post, UseGuards } from '@nestjs/common';
import {
  CredentialsGuard,
  ReplayGuard,
  SourceAllowlistGuard,
  SourcePolicyGuard,
  WebhookAuthGuard,
} from '@gateway/security';
import { webhookSteps } from '@gateway/webhook';
import { BodyGuard } from './body.guard';
import { SourceRouteGuard } from './source-route.guard';

/**
 * A webhook's way in, in order, each step a guard with one job that takes the result of the one
 * before it (the compiler checks the order): a served route and media type (404/413/415); the
 * credentials its headers present (401/403), before a byte of the body is read; the body (400,
 * 413, 503); its signature or passphrase against that body, inside the replay window (401); an
 * allowed source signed with its own secret (400/403/401); its nonce, unused (401); its source's
 * in-flight slot (503) and a rate token, waited for within the budget (429). Then the controller's
 * pipe normalizes the payload and the service stores it (docs/architecture.md walks the path).
 */
export const WEBHOOK_STEPS = webhookSteps(
  SourceRouteGuard,
  CredentialsGuard,
  BodyGuard,
  WebhookAuthGuard,
  SourceAllowlistGuard,
  ReplayGuard,
  SourcePolicyGuard,
);

export const WebhookRoute = (): MethodDecorator =>
  applyDecorators(Post(':source'), UseGuards(...WEBHOOK_STEPS));
