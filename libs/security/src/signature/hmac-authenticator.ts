import { AuthResult, problem, SignedBy, WebhookContext } from '@gateway/contracts';
import { gatewaySignatureKeys, standardSignatureKeys } from './hmac-signature';
import type { KeyOwnership } from './key-ownership';
import { SigningKeys } from './signing-keys';

const UNIX_SECONDS = /^\d{1,12}$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,128}$/;

const unauthorized = (code: 'missing_signature' | 'invalid_signature', detail: string) =>
  problem(code, detail);

/**
 * Authenticates a request by its HMAC signature over the exact bytes received: the gateway's
 * `X-Signature` scheme, or Standard Webhooks when a request carries `webhook-signature`. The
 * result names the keys that signed it, so the allowlist can hold a source to its own secret;
 * the timestamp and nonce are checked by the ReplayGuard.
 */
export class HmacAuthenticator {
  constructor(
    private readonly keys: SigningKeys,
    private readonly ownership: KeyOwnership,
  ) {}

  authenticate(webhook: WebhookContext): AuthResult {
    return webhook.header('webhook-signature') ? this.standardWebhook(webhook) : this.gatewayScheme(webhook);
  }

  private gatewayScheme(webhook: WebhookContext): AuthResult {
    const signature = webhook.header('x-signature');
    if (!signature) throw unauthorized('missing_signature', 'the X-Signature header is required');
    const [timestamp, nonce] = signedFields(
      ['X-Timestamp', webhook.header('x-timestamp')],
      ['X-Nonce', webhook.header('x-nonce')],
    );
    const matched = gatewaySignatureKeys(this.keys.gateway, signature, timestamp, nonce, webhook.body);
    return { timestamp: Number(timestamp), nonce, signedBy: this.signedBy(matched) };
  }

  private standardWebhook(webhook: WebhookContext): AuthResult {
    const [timestamp, id] = signedFields(
      ['webhook-timestamp', webhook.header('webhook-timestamp')],
      ['webhook-id', webhook.header('webhook-id')],
    );
    const signature = webhook.header('webhook-signature') ?? '';
    const matched = standardSignatureKeys(this.keys.standard, signature, id, timestamp, webhook.body);
    // The id alone is the sender's message identity (its retries reuse it with a new timestamp);
    // id + timestamp identifies this one delivery, so only an exact replay is refused.
    return {
      timestamp: Number(timestamp),
      nonce: `${id}.${timestamp}`,
      idempotencyKey: id,
      signedBy: this.signedBy(matched),
    };
  }

  private signedBy(matched: readonly number[]): SignedBy {
    if (matched.length === 0) {
      throw unauthorized('invalid_signature', 'the signature does not match the request');
    }
    return this.ownership.signedBy(matched);
  }
}

/** Both schemes sign a timestamp and a unique token; each must be present and well-formed. */
function signedFields(
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
