import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TokenBucketStorage } from './rate-limit/token-bucket.storage';
import { SourceRateLimitGuard } from './rate-limit/source-rate-limit.guard';
import { ReplayGuard } from './replay.guard';
import { SourceAllowlistGuard } from './source-allowlist.guard';
import { WebhookAuthGuard } from './webhook-auth.guard';
import { ConfigurableModuleClass, SECURITY_OPTIONS } from './security.module-definition';
import { VerifierRegistry } from './verification/verifier-registry';
import type { SecurityModuleOptions } from './security.options';

const guards = [WebhookAuthGuard, ReplayGuard, SourceAllowlistGuard, SourceRateLimitGuard];
const providers = [VerifierRegistry, ...guards];

/**
 * The guards a webhook passes before its payload is looked at: authentication (by the
 * verification each source declares), replay, allowlist, rate.
 */
@Module({ imports: [DiscoveryModule], providers, exports: providers })
export class SecurityModule extends ConfigurableModuleClass {
  static override forRoot(options: SecurityModuleOptions): DynamicModule {
    const throttler = ThrottlerModule.forRoot({
      // Named 'default' so the guard answers a plain `Retry-After` (named ones add a suffix).
      throttlers: [
        {
          name: 'default',
          limit: options.rateLimitBurst,
          ttl: (options.rateLimitBurst / options.rateLimitRps) * 1000,
        },
      ],
      storage: new TokenBucketStorage(),
    });
    const base = super.forRoot(options);
    // Guards are instantiated in the module of the controller that uses them, so it needs the
    // options and the throttler's providers too.
    return {
      ...base,
      global: true,
      imports: [DiscoveryModule, throttler],
      exports: [...providers, SECURITY_OPTIONS, throttler],
    };
  }
}
