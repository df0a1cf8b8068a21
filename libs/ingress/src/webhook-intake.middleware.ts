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
    this.telemetry.use(req, res, () => inTurn(res, () => this.body.use(req, res, next)));
  }
}

/**
 * Starts a webhook only once the answers before it on its connection are out. Node hands every
 * request a client pipelines (HTTP/1.1) to the routes at once and queues their answers in order;
 * an answer queued behind one that never leaves (the client reads nothing) has no connection of
 * its own, and when the connection dies it is simply dropped. A webhook waiting there is then
 * never processed: nothing of it is stored and it holds nothing, as its sender never saw an answer
 * (the telemetry still logs and counts it, as a connection closed before the answer).
 */
function inTurn(res: Response, start: () => void): void {
  if (res.socket) return start();
  res.once('socket', () => start());
}
