import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// version-traceid-parentid-flags (W3C Trace Context, level 1); a later version may append fields.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[^]*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

// Random ids cut from a pool of 4 KiB, refilled and hex-encoded once per ~170 requests: a slice
// of one string per id, not a call into the crypto and buffer bindings each.
const pool = Buffer.alloc(4096);
let hex = '';
let used = 0;
function randomHex(bytes: number): string {
  const chars = bytes * 2;
  if (used + chars > hex.length) {
    hex = randomFillSync(pool).toString('hex');
    used = 0;
  }
  used += chars;
  return hex.slice(used - chars, used);
}

/**
 * The request's W3C `traceparent` as the gateway passes it on (to both events' NATS headers and
 * its log line): the caller's trace with a new span id of the gateway's own, its sampled flag
 * kept; without a valid one, a new trace (not sampled: the gateway exports no spans). Decided
 * once per request, like the correlation id.
 */
export function traceparentOf(req: IncomingMessage & { traceparent?: string }): string {
  if (req.traceparent !== undefined) return req.traceparent;
  const offered = req.headers.traceparent;
  const caller = typeof offered === 'string' ? TRACEPARENT.exec(offered.trim()) : null;
  const [, version, traceId, parentId, flags, rest] = caller ?? [];
  const valid =
    caller !== null &&
    version !== 'ff' &&
    (version !== '00' || rest === undefined) &&
    traceId !== ZERO_TRACE &&
    parentId !== ZERO_SPAN;
  const sampled = valid && (parseInt(flags, 16) & 1) === 1 ? '01' : '00';
  req.traceparent = `00-${valid ? traceId : randomHex(16)}-${randomHex(8)}-${sampled}`;
  return req.traceparent;
}
