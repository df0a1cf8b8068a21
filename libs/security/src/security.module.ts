import { DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { TokenBucketStorage } from './rate-limit/token-bucket.storage';
import { SourceRateLimitGuard } from './rate-limit/source-rate-limit.guard';
import { KeyRing } from './key-ring';
import { ReplayGuard } from './replay.guard';
import { securityMetricProviders } from './security.metrics';
import { SourceAllowlistGuard } from './source-allowlist.guard';
import { WebhookAuthGuard } from './webhook-auth.guard';
import { ConfigurableModuleClass, SECURITY_OPTIONS } from './security.module-definition';
import type { SecurityModuleOptions } from './security.options';

const guards = [WebhookAuthGuard, ReplayGuard, SourceAllowlistGuard, SourceRateLimitGuard];

/** The guards a webhook passes before its payload is looked at: authentication, replay, allowlist, rate. */
@Module({ providers: [...guards, KeyRing, ...securityMetricProviders], exports: [...guards, KeyRing] })
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
      imports: [throttler],
      exports: [...guards, KeyRing, SECURITY_OPTIONS, throttler],
    };
  }
}
