import { Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { getOptionsToken, getStorageToken, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { TokenBucketStorage } from './rate-limit/token-bucket.storage';
import { SourceRateLimitGuard } from './rate-limit/source-rate-limit.guard';
import { KeyRing } from './key-ring';
import { ReplayGuard } from './replay.guard';
import { securityMetricProviders } from './security.metrics';
import { SourceAllowlistGuard } from './source-allowlist.guard';
import { WebhookAuthGuard } from './webhook-auth.guard';
import { ConfigurableModuleClass, SECURITY_OPTIONS } from './security.module-definition';
import type { SecurityModuleOptions } from './security.options';
import { VerifierRegistry } from './verification/verifier-registry';

const guards = [WebhookAuthGuard, ReplayGuard, SourceAllowlistGuard, SourceRateLimitGuard];

/** The source rate limit as the throttler's options: one bucket per source, from the security options. */
export function throttlerOptionsOf(options: SecurityModuleOptions): ThrottlerModuleOptions {
  return {
    // Named 'default' so the guard answers a plain `Retry-After` (named ones add a suffix).
    throttlers: [
      {
        name: 'default',
        limit: options.rateLimitBurst,
        ttl: (options.rateLimitBurst / options.rateLimitRps) * 1000,
      },
    ],
  };
}

// What SourceRateLimitGuard (a ThrottlerGuard) injects, derived from the security options so that
// forRootAsync configures it too; no ThrottlerModule, whose own options would be a second source.
const throttler: Provider[] = [
  { provide: getOptionsToken(), useFactory: throttlerOptionsOf, inject: [SECURITY_OPTIONS] },
  { provide: getStorageToken(), useFactory: () => new TokenBucketStorage() },
];

/**
 * The guards a webhook passes before its payload is looked at: authentication (by the
 * verification each source declares, prepared by the VerifierRegistry), replay, allowlist, rate.
 * Guards are instantiated in the module of the controller that uses them, so it exports the
 * registry, their options and the throttler's providers too.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [VerifierRegistry, ...guards, ...throttler, KeyRing, ...securityMetricProviders],
  exports: [VerifierRegistry, ...guards, KeyRing, SECURITY_OPTIONS, getOptionsToken(), getStorageToken()],
})
export class SecurityModule extends ConfigurableModuleClass {}
