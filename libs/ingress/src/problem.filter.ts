import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ProblemDetails, ProblemException, StoreUnavailableError, WebhookContext } from '@gateway/contracts';
import { correlationIdOf } from '@gateway/observability';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';

// Seconds a client should wait after a 503: a NATS reconnect usually takes well under that.
const RETRY_AFTER_UNAVAILABLE = 1;

/** Errors raised by raw-body while reading, which carry `status` and `type` but are not HttpExceptions. */
const BODY_PARSER_PROBLEMS: Record<string, Omit<ProblemDetails, 'detail'>> = {
  'entity.too.large': { status: 413, code: 'payload_too_large', title: 'Content Too Large' },
};

const CODE_BY_STATUS: Record<number, ProblemDetails['code']> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
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
    if (req.webhook) req.webhook.problemCode = problem.code;
    if (res.headersSent) return;
    if (problem.retryAfter !== undefined) res.setHeader('Retry-After', String(problem.retryAfter));
    const body = {
      type: `urn:at-gateway:problem:${problem.code}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      code: problem.code,
      corr_id: correlationIdOf(req, res),
      ...problem.extensions,
    };
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ProblemException) return exception.problem;
    if (exception instanceof StoreUnavailableError) {
      return {
        status: 503,
        code: 'nats_unavailable',
        title: 'Service Unavailable',
        detail: 'the event store did not confirm the write; nothing was accepted, retry later',
        retryAfter: RETRY_AFTER_UNAVAILABLE,
      };
    }
    if (exception instanceof ThrottlerException) {
      // The guard has already set Retry-After from the source's bucket.
      return {
        status: 429,
        code: 'rate_limited',
        title: 'Too Many Requests',
        detail: 'the source rate limit is exhausted',
      };
    }
    const parserProblem = BODY_PARSER_PROBLEMS[(exception as { type?: string })?.type ?? ''];
    if (parserProblem) return { ...parserProblem, detail: (exception as Error).message };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
      return { status, code, title: HttpStatus[status] ?? 'Error', detail: exception.message };
    }
    const status = (exception as { status?: number })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { status, code: 'bad_request', title: 'Bad Request', detail: (exception as Error).message };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return {
      status: 500,
      code: 'internal_error',
      title: 'Internal Server Error',
      detail: 'an unexpected error occurred',
    };
  }
}
