import { Injectable, NestMiddleware } from '@nestjs/common';
import type { WebhookContext } from '@gateway/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Counter, Histogram } from 'prom-client';
import { correlationIdOf } from './correlation-id';
import {
  VALIDATION_ERRORS_TOTAL,
  WEBHOOK_DURATION_SECONDS,
  WEBHOOKS_RECEIVED_TOTAL,
} from './webhook.metrics';

type WebhookRequest = IncomingMessage & { webhook?: WebhookContext };

const PAYLOAD_ERRORS = new Set(['invalid_json', 'invalid_source', 'schema_validation_failed']);

/**
 * Records every webhook answer once, whatever stage produced it (a guard's 401 never reaches an
 * interceptor): the status counter, the latency histogram, and one JSON log line.
 */
@Injectable()
export class WebhookTelemetryMiddleware implements NestMiddleware {
  constructor(
    @InjectPinoLogger('webhook') private readonly logger: PinoLogger,
    @InjectMetric(WEBHOOKS_RECEIVED_TOTAL) private readonly received: Counter<'source' | 'status'>,
    @InjectMetric(WEBHOOK_DURATION_SECONDS) private readonly duration: Histogram<'source'>,
    @InjectMetric(VALIDATION_ERRORS_TOTAL) private readonly validationErrors: Counter<'type'>,
  ) {}

  use(req: WebhookRequest, res: ServerResponse, next: () => void): void {
    const started = performance.now();
    // Decided now, so even a request refused while its body is read carries one.
    correlationIdOf(req, res);
    res.once('finish', () => this.record(req.webhook, res.statusCode, performance.now() - started));
    next();
  }

  private record(webhook: WebhookContext | undefined, status: number, ms: number): void {
    const source = webhook?.sourceLabel ?? 'unknown';
    this.received.inc({ source, status: String(status) });
    this.duration.observe({ source }, ms / 1000);
    const code = webhook?.problemCode;
    if (code && PAYLOAD_ERRORS.has(code)) this.validationErrors.inc({ type: code });
    // corr_id comes from the request logger's bindings (pino-http's request id).
    const line = {
      source,
      status,
      code,
      instrument: webhook?.instrument,
      validation_status: webhook?.validation ?? 'not_validated',
      latency_ms: Math.round(ms * 100) / 100,
    };
    // Client errors are expected traffic, not faults: info, and never with a stack.
    if (status >= 500) this.logger.error(line, 'webhook failed');
    else if (status >= 400) this.logger.info(line, 'webhook refused');
    else this.logger.info(line, 'webhook accepted');
  }
}
