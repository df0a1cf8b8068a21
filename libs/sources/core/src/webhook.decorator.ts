import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { webhookOf } from '@gateway/contracts';

/** Injects the request's WebhookContext; pair it with NormalizationPipe. */
export const Webhook = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  webhookOf(ctx.switchToHttp().getRequest()),
);
