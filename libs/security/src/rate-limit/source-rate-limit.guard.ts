import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { webhookOf, WebhookContext } from '@gateway/contracts';

/**
 * Rate limits per source, not per client address: a source's budget is shared by everyone
 * signing for it. It runs after authentication and the allowlist, so only authenticated,
 * allowed traffic spends a source's budget.
 */
@Injectable()
export class SourceRateLimitGuard extends ThrottlerGuard {
  protected override getTracker(req: { webhook?: WebhookContext }): Promise<string> {
    return Promise.resolve(webhookOf(req).reached('allowed').sourceId);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }
}
