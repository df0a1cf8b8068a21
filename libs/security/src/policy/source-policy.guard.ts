import { Inject, Injectable } from '@nestjs/common';
import { problem } from '@gateway/contracts';
import { type Claimed, onExchangeEnd, WebhookStep } from '@gateway/webhook';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { SECURITY_OPTIONS } from '../security.module-definition';
import type { SecurityModuleOptions } from '../security.options';
import { SourceLanes } from './source-lanes';

// Seconds after which an in-flight slot is likely free: webhooks take milliseconds.
const RETRY_AFTER_BUSY = 1;

/**
 * The source's policy, after the allowlist (only authenticated, allowed traffic spends a source's
 * capacity) and the nonce claim (a 429 uses the nonce up). First an in-flight slot of the
 * source's own (503 `source_busy` beyond its cap, for this source only), then a token of its
 * bucket (SourceLanes: its own, or its share of the cluster's): a request over the rate waits for
 * its token on a timer, as long as the policy allows and its store deadline still leaves the
 * publishes their whole timeout; only a request that would wait longer is refused, 429
 * `rate_limited` with the seconds after which a retry gets in. A plain guard rather than
 * @nestjs/throttler's: docs/decisions.md says why.
 */
@Injectable()
export class SourcePolicyGuard extends WebhookStep<Claimed, Claimed> {
  private readonly publishReserveMs: number;

  constructor(
    private readonly lanes: SourceLanes,
    @Inject(SECURITY_OPTIONS) options: SecurityModuleOptions,
  ) {
    super();
    this.publishReserveMs = options.publishReserveMs;
  }

  protected async pass(claimed: Claimed, _req: unknown, res: Response): Promise<Claimed> {
    const { webhook, sourceId } = claimed;
    const lane = this.lanes.of(sourceId);
    if (!lane.enter()) {
      throw problem('source_busy', `this source has ${lane.busy} webhooks in progress, its limit`, {
        retryAfter: RETRY_AFTER_BUSY,
      });
    }
    onExchangeEnd(res, () => lane.leave());
    const deadline = webhook.storeDeadline;
    const budget = Math.min(lane.policy.maxWaitMs, deadline - Date.now() - this.publishReserveMs);
    // A cluster-wide bucket out of reach throws StoreUnavailableError: a 503, like any unconfirmed write.
    const reservation = await lane.reserve(Math.max(0, budget), deadline);
    if ('retryAfterMs' in reservation) {
      const retryAfter = Math.max(1, Math.ceil(reservation.retryAfterMs / 1000));
      throw problem('rate_limited', 'the source rate limit is exhausted', { retryAfter });
    }
    if (reservation.readyInMs > 0) await sleep(reservation.readyInMs);
    return claimed;
  }
}
