import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import {
  EventTooLargeError,
  problemBody,
  problemDetails,
  type ProblemCode,
  type ProblemDetails,
  ProblemException,
  StoreUnavailableError,
} from '@gateway/contracts';
import { correlationIdOf } from '@gateway/observability';
import type { WebhookHttpRequest } from '@gateway/webhook';
import type { Response } from 'express';

// Seconds a client should wait after a 503: a NATS reconnect usually takes well under that.
const RETRY_AFTER_UNAVAILABLE = 1;

/** Errors raised by raw-body while reading, which carry `status` and `type` but are not HttpExceptions. */
const BODY_PARSER_PROBLEMS: Record<string, ProblemCode> = {
  'entity.too.large': 'payload_too_large',
};

const CODE_BY_STATUS: Record<number, ProblemCode> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  429: 'rate_limited',
};

/**
 * Every error becomes an RFC 9457 `application/problem+json` body with a stable `code` and the
 * correlation id, recorded first as the webhook's outcome (what a step holds is settled by it: a
 * 503 gives the nonce back). A request refused before its body was read is answered with its
 * connection closed, so the rest of the body is never read (Node would drain it to keep the
 * connection). Only unexpected errors (500) are logged here, with their stack; client errors are
 * logged once, as the request's line, by the telemetry middleware.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<WebhookHttpRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    const problem = this.toProblem(exception);
    const rawEventId = problem.extensions?.raw_event_id;
    req.webhook?.settle({ problem, eventId: typeof rawEventId === 'string' ? rawEventId : undefined });
    if (res.headersSent) return;
    if (!req.complete) res.setHeader('Connection', 'close');
    if (problem.retryAfter !== undefined) res.setHeader('Retry-After', String(problem.retryAfter));
    res
      .status(problem.status)
      .type('application/problem+json')
      .send(problemBody(problem, correlationIdOf(req, res)));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ProblemException) return exception.problem;
    if (exception instanceof StoreUnavailableError) {
      return problemDetails(
        'nats_unavailable',
        'the event store did not confirm the write; nothing was accepted, retry later',
        { retryAfter: exception.retryAfterSec ?? RETRY_AFTER_UNAVAILABLE },
      );
    }
    // Permanent for this body: a retry would be refused the same way, so never a 503.
    if (exception instanceof EventTooLargeError)
      return problemDetails('payload_too_large', exception.message);
    const parserCode = BODY_PARSER_PROBLEMS[(exception as { type?: string })?.type ?? ''];
    if (parserCode) return problemDetails(parserCode, (exception as Error).message);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
      return { ...problemDetails(code, exception.message), status };
    }
    const status = (exception as { status?: number })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { ...problemDetails('bad_request', (exception as Error).message), status };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return problemDetails('internal_error', 'an unexpected error occurred');
  }
}
