import { post, type Reply } from './signing';

/** More than a loopback socket takes in before the server reads: past it an upload can block. */
export const SOCKET_BUFFERED_BYTES = 64 * 1024;
/** The gateway's default MAX_BODY_BYTES. */
const MAX_BODY_BYTES = 1024 * 1024;
/** The media types each served route takes (docs/contract.md 1). */
const MEDIA_TYPES: Record<string, string[]> = {
  tradingview: ['application/json', 'text/plain'],
  custom: ['application/json'],
};
/** A replay window of the default REPLAY_WINDOW_SEC, with the header shapes of docs/contract.md 1.1. */
const WINDOW_SEC = 300;
const UNIX_SECONDS = /^\d{1,12}$/;
const PRINTABLE_TOKEN = /^[\x20-\x7e]{1,128}$/;

/** The codes the gateway answers from the headers alone, before it reads a byte of the body. */
export const HEADER_REFUSAL_CODES = [
  'bad_request', // a path that does not decode (a malformed %-escape)
  'not_found',
  'unsupported_media_type',
  'unsupported_content_encoding',
  'payload_too_large',
  'missing_signature',
  'invalid_signature',
  'stale_timestamp',
];

export interface Attempt {
  route: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Whether the contract lets the gateway refuse this request from its headers alone, computed here
 * from the documented rules rather than asked of the gateway: a route no source serves, a media
 * type the route does not take, any Content-Encoding but identity, a declared length over
 * MAX_BODY_BYTES, or signature headers (of either HMAC scheme) missing, malformed or outside the
 * replay window. Anything else is a body the gateway must read and answer.
 */
export function refusableFromHeaders({ route, headers, body }: Attempt): boolean {
  // Header values as they travel: fetch strips the whitespace around them.
  const header = (name: string) => headers[name]?.trim() || undefined;
  const types = Object.hasOwn(MEDIA_TYPES, route) ? MEDIA_TYPES[route] : undefined;
  const mediaType = (header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const encoding = header('content-encoding');
  if (!types || !types.includes(mediaType)) return true;
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return true;
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) return true;
  const standard = header('webhook-signature') !== undefined;
  const [timestamp, token] = standard
    ? [header('webhook-timestamp'), header('webhook-id')]
    : [header('x-timestamp'), header('x-nonce')];
  if (!standard && header('x-signature') === undefined) return true;
  if (timestamp === undefined || token === undefined) return true;
  if (!UNIX_SECONDS.test(timestamp) || !PRINTABLE_TOKEN.test(token)) return true;
  return Math.abs(Date.now() / 1000 - Number(timestamp)) > WINDOW_SEC;
}

/**
 * `post`, except that a request the gateway may refuse from its headers can lose its answer:
 * refused before its body is read, the connection is closed under a client still uploading more
 * than the socket buffers (fetch: "fetch failed", EPIPE or a reset). That alone gives `undefined`,
 * and the caller checks that nothing was stored. A body the gateway must read, or a small one the
 * socket takes whole, must always get its answer: its failure is the test's.
 */
export async function postOrRefusedUnread(url: string, attempt: Attempt): Promise<Reply | undefined> {
  try {
    return await post(url, attempt.body, attempt.headers);
  } catch (err) {
    const large = Buffer.byteLength(attempt.body) > SOCKET_BUFFERED_BYTES;
    if (large && refusableFromHeaders(attempt)) return undefined;
    throw err;
  }
}
