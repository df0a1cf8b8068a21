import { webhookOf } from '@gateway/contracts';
import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { SourceLanes } from './source-lanes';

/**
 * The name of the one throttler. `@SkipThrottle()` on a webhook route would skip the whole
 * policy (in-flight cap included), so no webhook route may carry it.
 */
export const SOURCE_THROTTLER = 'source';

/**
 * ThrottlerGuard's options for SourcePolicyGuard: one throttler, whose limit and ttl are the
 * request's source bucket in throttler terms (`burst` requests per time to refill it), resolved
 * from the lane built at start. No `X-RateLimit-*` headers: a token bucket with waits has no
 * honest "remaining" or "reset" to announce, and the 429 carries its own Retry-After.
 */
export function sourceThrottlerOptions(lanes: SourceLanes): ThrottlerModuleOptions {
  const policyOf = (context: ExecutionContext) =>
    lanes.of(webhookOf(context.switchToHttp().getRequest()).reached('allowed').sourceId).policy;
  return {
    setHeaders: false,
    errorMessage: 'the source rate limit is exhausted',
    throttlers: [
      {
        name: SOURCE_THROTTLER,
        limit: (context) => policyOf(context).burst,
        ttl: (context) => {
          const { burst, rate } = policyOf(context);
          return Math.ceil((1000 * burst) / rate);
        },
      },
    ],
  };
}
