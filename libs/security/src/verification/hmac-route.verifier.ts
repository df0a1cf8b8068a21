import { type AuthResult, problem, type RequestHead, type WebhookContext } from '@gateway/contracts';
import { assertFresh } from '../replay-window';
import { signedFields, HmacAuthenticator } from '../signature/hmac-authenticator';
import type { RouteVerifier } from './route-verifier';

/** The built-in HMAC verifications: `hmac` takes either scheme, `standard-webhooks` that one only. */
export type HmacScheme = 'hmac' | 'standard-webhooks';

/**
 * A route served by the gateway's HMAC schemes (docs/contract.md 1.1, 1.1a), through the one
 * HmacAuthenticator every such route shares (its keys decoded once).
 */
export class HmacRouteVerifier implements RouteVerifier {
  constructor(
    readonly scheme: HmacScheme,
    private readonly hmac: HmacAuthenticator,
    private readonly windowSec: number,
  ) {}

  precheck(head: RequestHead): void {
    // The authenticator picks Standard Webhooks by the same test.
    if (this.usesStandardWebhooks(head)) {
      const [timestamp] = signedFields(
        ['webhook-timestamp', head.header('webhook-timestamp')],
        ['webhook-id', head.header('webhook-id')],
      );
      return assertFresh(Number(timestamp), this.windowSec);
    }
    if (!head.header('x-signature')) throw problem('missing_signature', 'the X-Signature header is required');
    const [timestamp] = signedFields(
      ['X-Timestamp', head.header('x-timestamp')],
      ['X-Nonce', head.header('x-nonce')],
    );
    assertFresh(Number(timestamp), this.windowSec);
  }

  authenticate(webhook: WebhookContext): AuthResult {
    // Refuses the gateway scheme on a `standard-webhooks` route; the authenticator does the rest.
    this.usesStandardWebhooks(webhook);
    return this.hmac.authenticate(webhook);
  }

  /** Whether the request uses Standard Webhooks; on a `standard-webhooks` route it must. */
  private usesStandardWebhooks(head: RequestHead): boolean {
    if (head.header('webhook-signature')) return true;
    if (this.scheme === 'standard-webhooks') {
      throw problem(
        'missing_signature',
        'the webhook-id, webhook-timestamp and webhook-signature headers are required',
      );
    }
    return false;
  }
}
