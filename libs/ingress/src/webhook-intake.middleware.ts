import { Injectable, NestMiddleware } from '@nestjs/common';
import { WebhookTelemetryMiddleware } from '@gateway/observability';
import type { NextFunction, Request, Response } from 'express';

/**
 * The webhook route's one middleware: its telemetry, which records every answer once, whatever
 * step gave it (docs/decisions.md, "Where every answer is counted"), then the wait for its turn
 * on the connection. Every check is a guard of the route (webhook-route.decorator.ts).
 */
@Injectable()
export class WebhookIntakeMiddleware implements NestMiddleware {
  constructor(private readonly telemetry: WebhookTelemetryMiddleware) {}

  use(req: Request, res: Response, next: NextFunction): void {
    this.telemetry.use(req, res, () => inTurn(res, next));
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
