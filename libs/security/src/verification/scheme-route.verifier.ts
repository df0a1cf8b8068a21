import {
  type HmacKeys,
  problem,
  type RequestHead,
  type SignatureVerifier,
  type SignedRequest,
} from '@gateway/contracts';
import type { PresentedCredentials } from '@gateway/webhook';
import { assertFresh } from '../replay-window';
import type { RouteVerifier } from './route-verifier';

/**
 * A route served by a source's own signing scheme (a `@WebhookVerifier()`): the verifier reads
 * the scheme, the gateway holds the keys (the set in force), checks the timestamp window and
 * refuses a signature no key made, so every scheme gets the same constant-time comparison and
 * the same replay rules.
 */
export class SchemeRouteVerifier implements RouteVerifier {
  readonly scheme: string;

  constructor(
    private readonly verifier: SignatureVerifier,
    private readonly keys: HmacKeys,
    private readonly windowSec: number,
  ) {
    this.scheme = verifier.scheme;
  }

  precheck(request: RequestHead): PresentedCredentials {
    const head = this.verifier.precheck(request);
    assertFresh(head.timestamp, this.windowSec);
    return {
      authenticate: (webhook: SignedRequest) => {
        const verified = this.verifier.verify(webhook, this.keys, head);
        if (verified.signedBy.owners.length === 0) {
          throw problem('invalid_signature', 'the signature does not match the request');
        }
        return {
          timestamp: verified.timestamp,
          nonce: verified.replayKey,
          idempotencyKey: verified.idempotencyKey,
          signedBy: verified.signedBy,
        };
      },
    };
  }
}
