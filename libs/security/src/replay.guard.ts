import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { NonceStore, problem, webhookOf } from '@gateway/contracts';
import { SourcePolicies } from './policy/source-policies';
import { assertFresh } from './replay-window';
import { requestDigest } from './request-digest';
import { SECURITY_OPTIONS } from './security.module-definition';
import type { SecurityModuleOptions } from './security.options';

/**
 * Refuses a request signed outside the replay window (either side: clocks drift both ways) or
 * whose nonce was already used by another request. Nonces live in the shared NonceStore, so a
 * request replayed to another replica is refused there too; the very same request again (a
 * sender's redelivery: same nonce, bytes and event-shaping headers) passes as a redelivery,
 * which the ingress answers only as a duplicate of what the first one stored. The nonce is claimed here, before the rate limit: a
 * request refused with 429 has used its nonce up, so it cannot be replayed once the bucket refills.
 */
@Injectable()
export class ReplayGuard implements CanActivate {
  constructor(
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions,
    private readonly nonces: NonceStore,
    private readonly policies: SourcePolicies,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const webhook = webhookOf(context.switchToHttp().getRequest());
    const { auth } = webhook.reached('authenticated');
    assertFresh(auth.timestamp, this.options.replayWindowSec);
    if (auth.nonce === undefined) return true;
    const claim = await this.nonces.claim(
      auth.nonce,
      requestDigest(webhook, auth),
      webhook.storeDeadline,
      this.policies.claimedPriority(webhook),
    );
    if (claim === 'replayed' || (claim === 'redelivery' && !this.policies.answersRedelivery(webhook))) {
      throw problem('replayed_nonce', 'this nonce was already used');
    }
    webhook.redelivery = claim === 'redelivery';
    return true;
  }
}
