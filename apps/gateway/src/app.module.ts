import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthModule } from '@gateway/health';
import { IngressModule, ProblemFilter } from '@gateway/ingress';
import { NatsModule } from '@gateway/nats';
import { ObservabilityModule } from '@gateway/observability';
import { SecurityModule } from '@gateway/security';
import { SOURCE_MODULES, SourceModule } from '@gateway/sources-catalog';
import type { GatewayConfig } from './config/gateway-config';

/** The composition root: every module, configured from one validated GatewayConfig. */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, sources: readonly SourceModule[] = SOURCE_MODULES): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot(config.logging),
        NatsModule.forRoot(config.nats),
        SecurityModule.forRoot(config.security),
        IngressModule.forRoot(config.ingress),
        HealthModule,
        ...sources,
      ],
      // Every error of every route, webhooks, probes and 404s alike, answers as problem+json.
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
