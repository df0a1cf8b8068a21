import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { onExchangeEnd, type NormalizedWebhook, type WebhookContext } from '@gateway/webhook';
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
 * Records every webhook answer once, whatever step gave it, when it leaves: its metrics
 * (WebhookInstruments) and one JSON log line, from the request's WebhookContext: the outcome
 * recorded by whoever answered and the result of the last step it passed. A middleware, not an
 * interceptor: a guard's refusal never reaches an interceptor (docs/decisions.md, "Where every
 * answer is counted").
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
    const outcome = webhook?.outcome;
    const problem = outcome?.problem;
    const code = status === CLOSED_BEFORE_ANSWER ? 'connection_closed' : problem?.code;
    this.instruments.record(source, status, code, ms / 1000);
    const line = {
      corr_id: corrId,
      traceparent,
      source,
      status,
      code,
      // Why, in the answer's own words (a wrong key and a stale timestamp differ here, not in `code`).
      detail: problem?.detail,
      ...problem?.logged,
      // Only for a 404, where the path is the news; without the query, bounded.
      path: status === 404 ? url.split('?', 1)[0].slice(0, MAX_PATH) : undefined,
      event_id: outcome?.eventId,
      ...validationOf(webhook, code),
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

/**
 * The payload's validation, from the normalization's result when the request got that far: a
 * signal refused as too old for its source (`signal_stale`) is invalid, however well-formed.
 */
function validationOf(
  webhook: WebhookContext | undefined,
  code: string | undefined,
): { instrument?: string; validation_status: 'valid' | 'invalid' | 'not_validated' } {
  const result = (webhook?.latest as Partial<NormalizedWebhook> | undefined)?.result;
  if (!result) return { validation_status: 'not_validated' };
  if (!result.ok || code === 'signal_stale') {
    return { instrument: result.ok ? result.signal.instrument : undefined, validation_status: 'invalid' };
  }
  return { instrument: result.signal.instrument, validation_status: 'valid' };
}
