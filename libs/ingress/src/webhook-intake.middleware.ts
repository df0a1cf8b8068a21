import { Injectable, NestMiddleware } from '@nestjs/common';
import type { WebhookContext } from '@gateway/contracts';
import { WebhookTelemetryMiddleware } from '@gateway/observability';
import type { NextFunction, Request, Response } from 'express';
import { WebhookBodyMiddleware } from './webhook-body.middleware';

/**
 * The webhook route's one middleware: telemetry first, so even a request refused while its body
 * is read gets its log line and metrics, then the body intake. One Express layer rather than one
 * per step, because every layer costs a path match and a `next` on every request.
 */
@Injectable()
export class WebhookIntakeMiddleware implements NestMiddleware {
  constructor(
    private readonly telemetry: WebhookTelemetryMiddleware,
    private readonly body: WebhookBodyMiddleware,
  ) {}

  use(req: Request & { webhook?: WebhookContext }, res: Response, next: NextFunction): void {
    this.telemetry.use(req, res, () => this.body.use(req, res, next));
  }
}
