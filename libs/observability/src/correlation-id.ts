import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's correlation id: the caller's `X-Correlation-Id` (or `X-Request-Id`) when it is
 * safe to echo, else a new UUID. Decided once per request (it is the `corr_id` of its log line)
 * and echoed in the `X-Correlation-Id` response header.
 */
export function correlationIdOf(req: IncomingMessage & { id?: unknown }, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const offered = req.headers['x-correlation-id'] ?? req.headers['x-request-id'];
  const id = typeof offered === 'string' && VALID.test(offered) ? offered : randomUUID();
  req.id = id;
  if (!res.headersSent) res.setHeader('X-Correlation-Id', id);
  return id;
}
