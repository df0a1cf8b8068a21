import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { onExchangeEnd, type WebhookContext } from '@gateway/contracts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { correlationIdOf } from './correlation-id';
import { ROOT_LOGGER } from './logger-options';
import { traceparentOf } from './trace-context';
import { WebhookInstruments } from './webhook.instruments';

type WebhookRequest = IncomingMessage & {
  webhook?: WebhookContext;
  originalUrl?: string;
  traceparent?: string;
};

const MAX_PATH = 200;

/**
 * The status a webhook is logged and counted with when its connection closed before its answer
 * was sent (nginx's "client closed request"); no client ever receives it.
 */
const CLOSED_BEFORE_ANSWER = 499;

/**
 * Records every webhook answer once, whatever stage produced it (a guard's 401 never reaches an
 * interceptor): its metrics (WebhookInstruments) and one JSON log line.
 */
@Injectable()
export class WebhookTelemetryMiddleware implements NestMiddleware {
  private readonly logger: Logger;

  constructor(
    @Inject(ROOT_LOGGER) root: Logger,
    private readonly instruments: WebhookInstruments,
  ) {
    this.logger = root.child({ context: 'webhook' });
  }

  use(req: WebhookRequest, res: ServerResponse, next: () => void): void {
    const started = performance.now();
    // Decided now, so even a request refused while its body is read carries one.
    const corrId = correlationIdOf(req, res);
    const traceparent = traceparentOf(req);
    let answered = false;
    res.once('finish', () => {
      answered = true;
      this.record(
        corrId,
        traceparent,
        req.webhook,
        res.statusCode,
        performance.now() - started,
        req.originalUrl ?? req.url,
      );
    });
    // A connection gone before the answer left (a client that hung up, or a pipelined request
    // whose turn never came) still gets its line and its count.
    onExchangeEnd(res, () => {
      if (!answered) {
        const ms = performance.now() - started;
        this.record(corrId, traceparent, req.webhook, CLOSED_BEFORE_ANSWER, ms, req.originalUrl ?? req.url);
      }
    });
    next();
  }

  private record(
    corrId: string,
    traceparent: string,
    webhook: WebhookContext | undefined,
    status: number,
    ms: number,
    url = '',
  ): void {
    const source = webhook?.sourceLabel ?? 'unknown';
    const code = status === CLOSED_BEFORE_ANSWER ? 'connection_closed' : webhook?.problemCode;
    this.instruments.record(source, status, code, ms / 1000);
    const line = {
      corr_id: corrId,
      traceparent,
      source,
      status,
      code,
      // Why, in the answer's own words (a wrong key and a stale timestamp differ here, not in `code`).
      detail: webhook?.problemDetail,
      refused_source: webhook?.refusedSource,
      // Only for a 404, where the path is the news; without the query, bounded.
      path: status === 404 ? url.split('?', 1)[0].slice(0, MAX_PATH) : undefined,
      event_id: webhook?.eventId,
      instrument: webhook?.instrument,
      validation_status: webhook?.validation ?? 'not_validated',
      latency_ms: Math.round(ms * 100) / 100,
    };
    // Client errors are expected traffic, not faults: info, and never with a stack.
    if (status === CLOSED_BEFORE_ANSWER)
      this.logger.info(line, 'webhook connection closed before its answer');
    else if (status >= 500) this.logger.error(line, 'webhook failed');
    else if (status >= 400) this.logger.info(line, 'webhook refused');
    else this.logger.info(line, 'webhook accepted');
  }
}
