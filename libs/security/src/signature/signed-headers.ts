import { problem, type RequestHead } from '@gateway/contracts';

const UNIX_SECONDS = /^\d{1,12}$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,128}$/;
const GATEWAY_SIGNATURE = /^(sha256=)?[0-9a-f]{64}$/i;

/** The built-in HMAC verifications: `hmac` takes either scheme, `standard-webhooks` that one only. */
export type HmacScheme = 'hmac' | 'standard-webhooks';

/** A scheme's signed fields, as the headers carry them: present and well-formed. */
export interface SignedHeaders {
  scheme: 'gateway' | 'standard';
  timestamp: string;
  /** X-Nonce, or webhook-id. */
  token: string;
  signature: string;
}

/**
 * The signed fields of the gateway's `X-Signature` scheme, or of Standard Webhooks when the
 * request carries `webhook-signature` (required on a `standard-webhooks` route): each present and
 * well-formed, else 401. The signature itself is checked for shape by `assertSignatureShape`,
 * after the timestamp's window (a stale request is told so first, whatever its signature).
 */
export function signedHeadersOf(head: RequestHead, route: HmacScheme): SignedHeaders {
  const standard = head.header('webhook-signature');
  if (standard) {
    const [timestamp, token] = signedFields(
      ['webhook-timestamp', head.header('webhook-timestamp')],
      ['webhook-id', head.header('webhook-id')],
    );
    return { scheme: 'standard', timestamp, token, signature: standard };
  }
  if (route === 'standard-webhooks') {
    throw problem(
      'missing_signature',
      'the webhook-id, webhook-timestamp and webhook-signature headers are required',
    );
  }
  const signature = head.header('x-signature');
  if (!signature) throw problem('missing_signature', 'the X-Signature header is required');
  const [timestamp, token] = signedFields(
    ['X-Timestamp', head.header('x-timestamp')],
    ['X-Nonce', head.header('x-nonce')],
  );
  return { scheme: 'gateway', timestamp, token, signature };
}

/** A signature no key could have made, by its shape alone: 401 `invalid_signature`. */
export function assertSignatureShape({ scheme, signature }: SignedHeaders): void {
  if (scheme === 'standard' && !signature.split(' ').some((entry) => entry.startsWith('v1,'))) {
    throw problem('invalid_signature', 'webhook-signature must hold a v1,<base64> entry');
  }
  if (scheme === 'gateway' && !GATEWAY_SIGNATURE.test(signature)) {
    throw problem('invalid_signature', 'X-Signature must be sha256=<64 hex digits>');
  }
}

/** Both schemes sign a timestamp and a unique token; each must be present and well-formed. */
function signedFields(
  [timestampName, timestamp]: [string, string | undefined],
  [tokenName, token]: [string, string | undefined],
): [timestamp: string, token: string] {
  // The detail names exactly what is missing: an empty nonce (a recipe's missing `uuidgen`) must not
  // read like a missing signature.
  if (!timestamp || !token) {
    const missing = [timestamp ? [] : [timestampName], token ? [] : [tokenName]].flat();
    const which =
      missing.length === 1 ? `the ${missing[0]} header is` : `the ${missing.join(' and ')} headers are`;
    throw problem('missing_signature', `${which} required (missing or empty), besides the signature`);
  }
  if (!UNIX_SECONDS.test(timestamp))
    throw problem('invalid_signature', `${timestampName} must be Unix seconds`);
  if (!PRINTABLE_ASCII.test(token)) {
    throw problem('invalid_signature', `${tokenName} must be 1-128 printable ASCII characters`);
  }
  return [timestamp, token];
}
