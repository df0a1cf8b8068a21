import { Injectable } from '@nestjs/common';
import { NonceStore, problem } from '@gateway/contracts';
import { type Allowed, type Claimed, type Outcome, WebhookStep } from '@gateway/webhook';
import { SourcePolicies } from './policy/source-policies';
import { requestDigest } from './request-digest';

/**
 * Owns a request's nonce, from claim to release. The claim is refused when another request
 * already used the nonce (401 `replayed_nonce`); nonces live in the shared NonceStore, so a
 * request replayed to another replica is refused there too. The very same request again (a
 * sender's redelivery: same nonce, bytes and event-shaping headers) passes as a redelivery when
 * its source answers those with the original event, which the ingress then does.
 *
 * Claimed once the source is known and allowed (its lane and redelivery answer are its policy's),
 * before the rate limit: a 429 uses the nonce up, so the request cannot be replayed once the
 * bucket refills. Released only by an answer that asks the sender to retry (a 503): the very
 * same signed request is then let in again.
 */
@Injectable()
export class ReplayGuard extends WebhookStep<Allowed, Claimed> {
  constructor(
    private readonly nonces: NonceStore,
    private readonly policies: SourcePolicies,
  ) {
    super();
  }

  protected async pass(allowed: Allowed): Promise<Claimed> {
    const { webhook, auth, sourceId } = allowed;
    const { nonce } = auth;
    if (nonce === undefined) return { ...allowed, redelivery: false };
    const claim = await this.nonces.claim(
      nonce,
      requestDigest(webhook, auth),
      webhook.storeDeadline,
      this.policies.priorityOf(sourceId),
    );
    if (
      claim === 'replayed' ||
      (claim === 'redelivery' && !this.policies.answersRedelivery(sourceId, auth))
    ) {
      throw problem('replayed_nonce', 'this nonce was already used');
    }
    webhook.onSettled((outcome) => this.releaseForRetry(nonce, outcome));
    return { ...allowed, redelivery: claim === 'redelivery' };
  }

  /** A 503 is a "retry later": the sender may send the very same signed request again. */
  private releaseForRetry(nonce: string, { problem }: Outcome): void {
    if (problem?.status === 503) void this.nonces.release(nonce);
  }
}
