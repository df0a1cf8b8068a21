import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { NonceStore, problem, StoreUnavailableError, webhookOf } from '@gateway/contracts';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { SECURITY_OPTIONS } from '../security.module-definition';
import type { SecurityModuleOptions } from '../security.options';
import { SourceLanes } from './source-lanes';

// Seconds after which an in-flight slot is likely free: webhooks take milliseconds.
const RETRY_AFTER_BUSY = 1;

/**
 * The source's policy, after the allowlist (so only authenticated, allowed traffic spends a
 * source's capacity, and after the nonce claim, so a 429 uses the nonce up): an in-flight slot
 * of its own (503 `source_busy` beyond the cap, for this source only), then a token of its
 * bucket. A request over the rate waits for its token on a timer, as long as the policy allows
 * and its store deadline still leaves the publishes their whole timeout; only a request that
 * would wait longer gets 429, with the seconds after which a retry would get in.
 */
@Injectable()
export class SourcePolicyGuard implements CanActivate {
  private readonly publishReserveMs: number;

  constructor(
    private readonly lanes: SourceLanes,
    private readonly nonces: NonceStore,
    @Inject(SECURITY_OPTIONS) options: SecurityModuleOptions,
  ) {
    this.publishReserveMs = options.publishReserveMs;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const webhook = webhookOf(http.getRequest());
    const { sourceId, auth } = webhook.reached('allowed');
    const lane = this.lanes.of(sourceId);
    if (!lane.enter()) {
      this.release(auth.nonce);
      throw problem('source_busy', `this source has ${lane.busy} webhooks in progress, its limit`, {
        retryAfter: RETRY_AFTER_BUSY,
      });
    }
    // 'close' follows every answer, and a connection the client dropped.
    http.getResponse<ServerResponse>().once('close', () => lane.leave());
    const deadline = webhook.storeDeadline;
    const budget = Math.min(lane.policy.maxWaitMs, deadline - Date.now() - this.publishReserveMs);
    let reservation;
    try {
      reservation = await lane.reserve(Math.max(0, budget), deadline);
    } catch (err) {
      // The cluster-wide bucket cannot be reached: refused like any unconfirmed write, retryable.
      if (err instanceof StoreUnavailableError) this.release(auth.nonce);
      throw err;
    }
    if ('retryAfterMs' in reservation) {
      throw problem('rate_limited', 'the source rate limit is exhausted', {
        retryAfter: Math.max(1, Math.ceil(reservation.retryAfterMs / 1000)),
      });
    }
    if (reservation.readyInMs > 0) await sleep(reservation.readyInMs);
    return true;
  }

  /** A 503 is a "retry later": the sender may send the very same signed request again. */
  private release(nonce: string | undefined): void {
    if (nonce !== undefined) void this.nonces.release(nonce);
  }
}
