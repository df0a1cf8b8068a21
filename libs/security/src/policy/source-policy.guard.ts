import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { NonceStore, onExchangeEnd, problem, StoreUnavailableError, webhookOf } from '@gateway/contracts';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { SECURITY_OPTIONS } from '../security.module-definition';
import type { SecurityModuleOptions } from '../security.options';
import { SourceLanes } from './source-lanes';

// Seconds after which an in-flight slot is likely free: webhooks take milliseconds.
const RETRY_AFTER_BUSY = 1;

/**
 * The source's policy as @nestjs/throttler's guard, after the allowlist (so only authenticated,
 * allowed traffic spends a source's capacity, and after the nonce claim, so a 429 uses the nonce
 * up). ThrottlerGuard resolves the one `source` throttler (sourceThrottlerOptions: the source's
 * bucket as limit/ttl) and hands the request to `handleRequest`, which takes an in-flight slot of
 * the source's own (503 `source_busy` beyond the cap, for this source only), then a token of its
 * bucket: a request over the rate waits for its token on a timer, as long as the policy allows
 * and its store deadline still leaves the publishes their whole timeout; only a request that
 * would wait longer gets ThrottlerException (429), with the seconds after which a retry gets in.
 */
@Injectable()
export class SourcePolicyGuard extends ThrottlerGuard {
  private readonly publishReserveMs: number;

  constructor(
    @InjectThrottlerOptions() throttlerOptions: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly lanes: SourceLanes,
    private readonly nonces: NonceStore,
    @Inject(SECURITY_OPTIONS) options: SecurityModuleOptions,
  ) {
    super(throttlerOptions, storage, reflector);
    this.publishReserveMs = options.publishReserveMs;
  }

  /**
   * Replaces the storage's fixed-window count: the lane reserves a token that may be ready later,
   * within the request's deadline, which `ThrottlerStorage.increment` has no way to express.
   */
  protected override async handleRequest({ context, limit, ttl }: ThrottlerRequest): Promise<boolean> {
    const http = context.switchToHttp();
    const res = http.getResponse<ServerResponse>();
    const webhook = webhookOf(http.getRequest());
    const { sourceId, auth } = webhook.reached('allowed');
    const lane = this.lanes.of(sourceId);
    if (!lane.enter()) {
      this.release(auth.nonce);
      throw problem('source_busy', `this source has ${lane.busy} webhooks in progress, its limit`, {
        retryAfter: RETRY_AFTER_BUSY,
      });
    }
    onExchangeEnd(res, () => lane.leave());
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
      const retryAfter = Math.max(1, Math.ceil(reservation.retryAfterMs / 1000));
      // The plain header (throttler's own would be `Retry-After-source`); ProblemFilter keeps it.
      res.setHeader('Retry-After', String(retryAfter));
      await this.throwThrottlingException(context, {
        limit,
        ttl,
        key: sourceId,
        tracker: sourceId,
        totalHits: limit + 1,
        timeToExpire: retryAfter,
        isBlocked: true,
        timeToBlockExpire: retryAfter,
      });
    }
    if ('readyInMs' in reservation && reservation.readyInMs > 0) await sleep(reservation.readyInMs);
    return true;
  }

  /** A 503 is a "retry later": the sender may send the very same signed request again. */
  private release(nonce: string | undefined): void {
    if (nonce !== undefined) void this.nonces.release(nonce);
  }
}
