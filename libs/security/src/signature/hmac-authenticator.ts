import { AuthResult, problem, WebhookContext } from '@gateway/contracts';
import { gatewaySignatureKeys, SignatureMatch, standardSignatureKeys } from './hmac-signature';
import type { KeyOwnership } from './key-ownership';
import { SigningKeys } from './signing-keys';

const UNIX_SECONDS = /^\d{1,12}$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,128}$/;
const GATEWAY_SIGNATURE = /^(sha256=)?[0-9a-f]{64}$/i;

const unauthorized = (code: 'missing_signature' | 'invalid_signature', detail: string) =>
  problem(code, detail);

/** A scheme's signed fields, as the headers carry them: present and well-formed. */
interface SignedHeaders {
  scheme: 'gateway' | 'standard';
  timestamp: string;
  /** X-Nonce, or webhook-id. */
  token: string;
  signature: string;
}

/**
 * Authenticates a request by its HMAC signature over the exact bytes received: the gateway's
 * `X-Signature` scheme, or Standard Webhooks when a request carries `webhook-signature`. The
 * result names the keys that signed it, so the allowlist can hold a source to its
 * own secret; the timestamp and nonce are checked by the ReplayGuard.
 *
 * The replay claim is the MAC itself, not the scheme's nonce field: one signed byte string can be
 * presented as a gateway-scheme request and as a Standard Webhook (`<ts>.<nonce>.` reads as
 * `<id>.<ts>.` when the nonce is a Unix time), or with the nonce/body boundary moved, and each
 * reading has its own nonce field. The signed bytes, and so the MAC, are the same in every reading,
 * so claiming the MAC lets the same signed bytes in at most once, whatever scheme carries them.
 */
export class HmacAuthenticator {
  constructor(
    private readonly keys: SigningKeys,
    private readonly ownership: KeyOwnership,
  ) {}

  authenticate(webhook: WebhookContext): AuthResult {
    const { scheme, timestamp, token, signature } = signedHeaders(webhook);
    if (scheme === 'gateway') {
      const match = gatewaySignatureKeys(this.keys.gateway, signature, timestamp, token, webhook.body);
      return { timestamp: Number(timestamp), singleUseNonce: true, ...this.claimOf(match) };
    }
    const match = standardSignatureKeys(this.keys.standard, signature, token, timestamp, webhook.body);
    // The id alone is the sender's message identity (its retries reuse it with a new timestamp,
    // hence a new MAC); id + timestamp + body is this one delivery, so only an exact replay is refused.
    return { timestamp: Number(timestamp), idempotencyKey: token, ...this.claimOf(match) };
  }

  /** Whom the matching keys speak for, and the replay claim: the MAC of the signed bytes. */
  private claimOf(match: SignatureMatch): Pick<AuthResult, 'nonce' | 'signedBy'> {
    if (match.keys.length === 0 || match.mac === undefined) {
      throw unauthorized('invalid_signature', 'the signature does not match the request');
    }
    return { nonce: `mac:${match.mac}`, signedBy: this.ownership.signedBy(match.keys) };
  }
}

function signedHeaders(webhook: Pick<WebhookContext, 'header'>): SignedHeaders {
  const standard = webhook.header('webhook-signature');
  if (standard) {
    const [timestamp, token] = signedFields(
      ['webhook-timestamp', webhook.header('webhook-timestamp')],
      ['webhook-id', webhook.header('webhook-id')],
    );
    if (!standard.split(' ').some((entry) => entry.startsWith('v1,'))) {
      throw unauthorized('invalid_signature', 'webhook-signature must hold a v1,<base64> entry');
    }
    return { scheme: 'standard', timestamp, token, signature: standard };
  }
  const signature = webhook.header('x-signature');
  if (!signature) throw unauthorized('missing_signature', 'the X-Signature header is required');
  const [timestamp, token] = signedFields(
    ['X-Timestamp', webhook.header('x-timestamp')],
    ['X-Nonce', webhook.header('x-nonce')],
  );
  if (!GATEWAY_SIGNATURE.test(signature)) {
    throw unauthorized('invalid_signature', 'X-Signature must be sha256=<64 hex digits>');
  }
  return { scheme: 'gateway', timestamp, token, signature };
}

/** Both schemes sign a timestamp and a unique token; each must be present and well-formed. */
export function signedFields(
  [timestampName, timestamp]: [string, string | undefined],
  [tokenName, token]: [string, string | undefined],
): [timestamp: string, token: string] {
  if (!timestamp || !token) {
    throw unauthorized('missing_signature', `the ${timestampName} and ${tokenName} headers are required`);
  }
  if (!UNIX_SECONDS.test(timestamp))
    throw unauthorized('invalid_signature', `${timestampName} must be Unix seconds`);
  if (!PRINTABLE_ASCII.test(token)) {
    throw unauthorized('invalid_signature', `${tokenName} must be 1-128 printable ASCII characters`);
  }
  return [timestamp, token];
}
