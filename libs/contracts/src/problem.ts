import { HttpException } from '@nestjs/common';

/**
 * Every stable, machine-readable error code (docs/contract.md 1.2) with its HTTP status and title:
 * clients branch on the code, never on text, so a code's status and title live here and only here.
 */
export const PROBLEMS = {
  missing_signature: { status: 401, title: 'Unauthorized' },
  invalid_signature: { status: 401, title: 'Unauthorized' },
  missing_passphrase: { status: 401, title: 'Unauthorized' },
  invalid_passphrase: { status: 401, title: 'Unauthorized' },
  stale_timestamp: { status: 401, title: 'Unauthorized' },
  replayed_nonce: { status: 401, title: 'Unauthorized' },
  address_not_allowed: { status: 403, title: 'Forbidden' },
  source_not_allowed: { status: 403, title: 'Forbidden' },
  rate_limited: { status: 429, title: 'Too Many Requests' },
  payload_too_large: { status: 413, title: 'Content Too Large' },
  headers_too_large: { status: 431, title: 'Request Header Fields Too Large' },
  request_timeout: { status: 408, title: 'Request Timeout' },
  unsupported_media_type: { status: 415, title: 'Unsupported Media Type' },
  unsupported_content_encoding: { status: 415, title: 'Unsupported Media Type' },
  invalid_json: { status: 400, title: 'Bad Request' },
  invalid_source: { status: 400, title: 'Bad Request' },
  bad_request: { status: 400, title: 'Bad Request' },
  missing_host: { status: 400, title: 'Bad Request' },
  expectation_failed: { status: 417, title: 'Expectation Failed' },
  schema_validation_failed: { status: 422, title: 'Unprocessable Content' },
  idempotency_key_reused: { status: 422, title: 'Unprocessable Content' },
  signal_stale: { status: 422, title: 'Unprocessable Content' },
  not_found: { status: 404, title: 'Not Found' },
  method_not_allowed: { status: 405, title: 'Method Not Allowed' },
  nats_unavailable: { status: 503, title: 'Service Unavailable' },
  source_busy: { status: 503, title: 'Service Unavailable' },
  not_ready: { status: 503, title: 'Service Unavailable' },
  overloaded: { status: 503, title: 'Service Unavailable' },
  internal_error: { status: 500, title: 'Internal Server Error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface ProblemDetails {
  status: number;
  code: ProblemCode;
  title: string;
  detail: string;
  /** Extra members of the problem body (e.g. `errors` and `raw_event_id` of a 422). */
  extensions?: Record<string, unknown>;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  /** Fields for the request's log line only, never its answer (the source a 403 refused). */
  logged?: Readonly<Record<string, string>>;
}

/** An HTTP error that already knows its RFC 9457 problem body. */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail, problem.status);
  }
}

/** The problem details of `code`, its status and title taken from the table. */
export const problemDetails = (
  code: ProblemCode,
  detail: string,
  more: Pick<ProblemDetails, 'extensions' | 'retryAfter' | 'logged'> = {},
): ProblemDetails => ({ ...PROBLEMS[code], code, detail, ...more });

/** The exception to throw for `code`; the problem filter turns it into the answer. */
export const problem = (
  code: ProblemCode,
  detail: string,
  more: Pick<ProblemDetails, 'extensions' | 'retryAfter' | 'logged'> = {},
): ProblemException => new ProblemException(problemDetails(code, detail, more));

/** The RFC 9457 body of a problem: built here for every answer, by the filter and the HTTP server alike. */
export function problemBody(problem: ProblemDetails, corrId: string): string {
  return JSON.stringify({
    type: `urn:at-gateway:problem:${problem.code}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    corr_id: corrId,
    ...problem.extensions,
  });
}
