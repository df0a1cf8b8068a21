import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { WebhookHttpRequest } from '@gateway/webhook';

/** Injects the result of the route's last guard; pair it with NormalizationPipe. */
export const Webhook = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.getArgByIndex<WebhookHttpRequest>(0).webhook?.latest,
);
