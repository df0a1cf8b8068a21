import { Injectable } from '@nestjs/common';
import {
  type HmacKeys,
  type Precheck,
  problem,
  type RequestHead,
  type SignatureVerifier,
  type SignedRequest,
  type Verified,
  WebhookVerifier,
} from '@gateway/contracts';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const DELIVERY = /^[\x21-\x7e]{1,128}$/;
const EVENT = /^[A-Za-z0-9._-]{1,64}$/;

/** What the headers carry: the signature (hex) and the delivery id; GitHub signs no timestamp. */
interface GithubHeaders extends Precheck {
  signature: string;
  delivery: string;
}

/**
 * GitHub's webhook signing, for any sender that signs the GitHub way: `X-Hub-Signature-256:
 * sha256=<hex HMAC-SHA256 of the body>`, `X-GitHub-Delivery` a unique id per delivery (the same
 * on a redelivery) and `X-GitHub-Event` the kind of event. The signature covers the body only, so
 * the delivery id is the replay claim (an exact replay within the window is refused) and the
 * idempotency key (a redelivery after the window is a duplicate); see docs/adding-a-source.md
 * for what a body-only signature cannot prevent.
 */
@WebhookVerifier()
@Injectable()
export class GithubSignatureVerifier implements SignatureVerifier<GithubHeaders> {
  readonly scheme = 'github';

  precheck(head: RequestHead): GithubHeaders {
    return this.headersOf(head);
  }

  verify(request: SignedRequest, keys: HmacKeys, { signature, delivery }: GithubHeaders): Verified {
    return {
      signedBy: keys.sha256([request.body], [Buffer.from(signature, 'hex')]),
      replayKey: `github.${delivery}`,
      idempotencyKey: delivery,
    };
  }

  private headersOf(head: RequestHead): GithubHeaders {
    const header = head.header('x-hub-signature-256');
    const delivery = head.header('x-github-delivery');
    const event = head.header('x-github-event');
    if (!header || !delivery || !event) {
      throw problem(
        'missing_signature',
        'the X-Hub-Signature-256, X-GitHub-Delivery and X-GitHub-Event headers are required',
      );
    }
    const signature = SIGNATURE.exec(header)?.[1];
    if (!signature) throw problem('invalid_signature', 'X-Hub-Signature-256 must be sha256=<64 hex digits>');
    if (!DELIVERY.test(delivery)) {
      throw problem('invalid_signature', 'X-GitHub-Delivery must be 1-128 visible ASCII characters');
    }
    if (!EVENT.test(event))
      throw problem('invalid_signature', 'X-GitHub-Event must be 1-64 of [A-Za-z0-9._-]');
    return { signature, delivery };
  }
}
