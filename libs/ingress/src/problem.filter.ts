import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import {
  EventTooLargeError,
  problemBody,
  problemDetails,
  type ProblemCode,
  type ProblemDetails,
  ProblemException,
  StoreUnavailableError,
  type WebhookContext,
} from '@gateway/contracts';
import { correlationIdOf } from '@gateway/observability';
import type { Request, Response } from 'express';

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
  // ThrottlerException (SourcePolicyGuard), whose Retry-After the guard has already set.
  429: 'rate_limited',
};

/**
 * Every error becomes an RFC 9457 `application/problem+json` body with a stable `code` and the
 * correlation id. Only unexpected errors (500) are logged here, with their stack; client errors
 * are logged once, as the request's line, by the telemetry middleware.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request & { webhook?: WebhookContext }>();
    const res = host.switchToHttp().getResponse<Response>();
    const problem = this.toProblem(exception);
    if (req.webhook) {
      req.webhook.problemCode = problem.code;
      req.webhook.problemDetail = problem.detail;
    }
    if (res.headersSent) return;
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
