import { HttpException } from '@nestjs/common';

/** Stable, machine-readable error codes (CONTRACT.md 1.2); clients branch on these, never on text. */
export type ProblemCode =
  | 'missing_signature'
  | 'invalid_signature'
  | 'missing_passphrase'
  | 'invalid_passphrase'
  | 'address_not_allowed'
  | 'stale_timestamp'
  | 'replayed_nonce'
  | 'source_not_allowed'
  | 'rate_limited'
  | 'payload_too_large'
  | 'headers_too_large'
  | 'request_timeout'
  | 'unsupported_media_type'
  | 'unsupported_content_encoding'
  | 'invalid_json'
  | 'invalid_source'
  | 'schema_validation_failed'
  | 'nats_unavailable'
  | 'not_found'
  | 'method_not_allowed'
  | 'bad_request'
  | 'not_ready'
  | 'internal_error';

export interface ProblemDetails {
  status: number;
  code: ProblemCode;
  title: string;
  detail: string;
  /** Extra members of the problem body (e.g. `errors` and `raw_event_id` of a 422). */
  extensions?: Record<string, unknown>;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
}

/** An HTTP error that already knows its RFC 9457 problem body. */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail, problem.status);
  }
}

export const problem = (
  status: number,
  code: ProblemCode,
  title: string,
  detail: string,
  more: Partial<ProblemDetails> = {},
): ProblemException => new ProblemException({ status, code, title, detail, ...more });
