import { Injectable } from '@nestjs/common';
import {
  type HmacKeys,
  problem,
  type RequestHead,
  type SignatureVerifier,
  type SignedRequest,
  type Verified,
  WebhookVerifier,
} from '@gateway/contracts';
import { createHash } from 'node:crypto';

const UNIX_SECONDS = /^\d{1,12}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;
// A header listing more is not a sender rolling its secret: refuse it rather than parse it.
const MAX_ENTRIES = 16;

/** What Stripe-Signature carries: its one `t` (Unix seconds) and every well-formed `v1`. */
interface StripeHeader {
  /** `t` as sent: what was signed. */
  t: string;
  /** `t` as a number: what the gateway checks against the replay window. */
  timestamp: number;
  signatures: Buffer[];
}

/**
 * Stripe's webhook signing, for any sender that signs the Stripe way: `Stripe-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, with several `v1` while the sender
 * rolls its secret (any one valid wins) and other schemes (`v0`) ignored. The timestamp must be
 * within the replay window. A retry is signed anew (a new `t`), so the replay claim is `t` with
 * the body's digest: only an exact replay is refused; the event's `id` in the body is its
 * idempotency key.
 */
@WebhookVerifier()
@Injectable()
export class StripeSignatureVerifier implements SignatureVerifier<StripeHeader> {
  readonly scheme = 'stripe';

  precheck(head: RequestHead): StripeHeader {
    return this.headerOf(head);
  }

  verify(request: SignedRequest, keys: HmacKeys, { t, timestamp, signatures }: StripeHeader): Verified {
    const digest = createHash('sha256').update(request.body).digest('hex');
    return {
      timestamp,
      signedBy: keys.sha256([`${t}.`, request.body], signatures),
      replayKey: `stripe.${t}.${digest}`,
    };
  }

  private headerOf(head: RequestHead): StripeHeader {
    const header = head.header('stripe-signature');
    if (!header) throw problem('missing_signature', 'the Stripe-Signature header is required');
    const entries = header.split(',');
    if (entries.length > MAX_ENTRIES) {
      throw problem('invalid_signature', `Stripe-Signature lists more than ${MAX_ENTRIES} entries`);
    }
    const timestamps: string[] = [];
    const signatures: Buffer[] = [];
    for (const entry of entries) {
      const eq = entry.indexOf('=');
      const [name, value] = [entry.slice(0, eq).trim(), entry.slice(eq + 1).trim()];
      if (name === 't') timestamps.push(value);
      // A v1 that is not 64 hex digits can match no key: skipped, as Stripe's own libraries do.
      else if (name === 'v1' && HEX_SHA256.test(value)) signatures.push(Buffer.from(value, 'hex'));
    }
    if (timestamps.length !== 1 || !UNIX_SECONDS.test(timestamps[0])) {
      throw problem('invalid_signature', 'Stripe-Signature must carry one t=<Unix seconds>');
    }
    if (signatures.length === 0) {
      throw problem('invalid_signature', 'Stripe-Signature carries no v1=<64 hex digits> signature');
    }
    return { t: timestamps[0], timestamp: Number(timestamps[0]), signatures };
  }
}
