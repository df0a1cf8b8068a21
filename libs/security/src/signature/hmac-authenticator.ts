import { AuthResult, problem, WebhookContext } from '@gateway/contracts';
import { gatewaySignatureKeys, SignatureMatch, standardSignatureKeys } from './hmac-signature';
import { SigningKeys } from './signing-keys';

const UNIX_SECONDS = /^\d{1,12}$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,128}$/;

const unauthorized = (code: 'missing_signature' | 'invalid_signature', detail: string) =>
  problem(code, detail);

/**
 * Authenticates a request by its HMAC signature over the exact bytes received: the gateway's
 * `X-Signature` scheme, or Standard Webhooks when a request carries `webhook-signature`. The
 * result names the owners of the keys that signed it, so the allowlist can hold a source to its
 * own secret; the timestamp and nonce are checked by the ReplayGuard.
 *
 * The replay claim is the MAC itself, not the scheme's nonce field: one signed byte string can be
 * presented as a gateway-scheme request and as a Standard Webhook (`<ts>.<nonce>.` reads as
 * `<id>.<ts>.` when the nonce is a Unix time), or with the nonce/body boundary moved, and each
 * reading has its own nonce field. The signed bytes, and so the MAC, are the same in every reading,
 * so claiming the MAC lets the same signed bytes in at most once, whatever scheme carries them.
 */
export class HmacAuthenticator {
  constructor(private readonly keys: SigningKeys) {}

  authenticate(webhook: WebhookContext): AuthResult {
    return webhook.header('webhook-signature') ? this.standardWebhook(webhook) : this.gatewayScheme(webhook);
  }

  private gatewayScheme(webhook: WebhookContext): AuthResult {
    const timestamp = webhook.header('x-timestamp');
    const nonce = webhook.header('x-nonce');
    const signature = webhook.header('x-signature');
    if (!signature) throw unauthorized('missing_signature', 'the X-Signature header is required');
    checkSignedFields(['X-Timestamp', timestamp], ['X-Nonce', nonce]);
    const match = gatewaySignatureKeys(this.keys.gateway, signature, timestamp!, nonce!, webhook.body);
    return { timestamp: Number(timestamp), ...this.claimOf(match) };
  }

  private standardWebhook(webhook: WebhookContext): AuthResult {
    const timestamp = webhook.header('webhook-timestamp');
    const id = webhook.header('webhook-id');
    checkSignedFields(['webhook-timestamp', timestamp], ['webhook-id', id]);
    const signature = webhook.header('webhook-signature') ?? '';
    const match = standardSignatureKeys(this.keys.standard, signature, id!, timestamp!, webhook.body);
    // The id alone is the sender's message identity (its retries reuse it with a new timestamp,
    // hence a new MAC); id + timestamp + body is this one delivery, so only an exact replay is refused.
    return { timestamp: Number(timestamp), idempotencyKey: id, ...this.claimOf(match) };
  }

  /** Whom the matching keys speak for, and the replay claim: the MAC of the signed bytes. */
  private claimOf(match: SignatureMatch): Pick<AuthResult, 'nonce' | 'signedFor'> {
    if (match.keys.length === 0 || match.mac === undefined) {
      throw unauthorized('invalid_signature', 'the signature does not match the request');
    }
    return { nonce: `mac:${match.mac}`, signedFor: match.keys.map((index) => this.keys.owners[index]) };
  }
}

/** Both schemes sign a timestamp and a unique token; each must be present and well-formed. */
function checkSignedFields(
  [timestampName, timestamp]: [string, string | undefined],
  [tokenName, token]: [string, string | undefined],
): void {
  if (!timestamp || !token) {
    throw unauthorized('missing_signature', `the ${timestampName} and ${tokenName} headers are required`);
  }
  if (!UNIX_SECONDS.test(timestamp))
    throw unauthorized('invalid_signature', `${timestampName} must be Unix seconds`);
  if (!PRINTABLE_ASCII.test(token)) {
    throw unauthorized('invalid_signature', `${tokenName} must be 1-128 printable ASCII characters`);
  }
}
