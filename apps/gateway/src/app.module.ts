import { DynamicModule, Module } from '@nestjs/common';
import { HealthModule } from '@gateway/health';
import { IngressModule } from '@gateway/ingress';
import { NatsModule } from '@gateway/nats';
import { ObservabilityModule } from '@gateway/observability';
import { SecurityModule } from '@gateway/security';
import { SourcesCoreModule } from '@gateway/sources-core';
import type { GatewayConfig } from './config/gateway-config';
import { MetricSeriesPrimer, PRIMED_SOURCES } from './metric-series.primer';
import { SOURCE_MODULES, SourceModule } from './sources';

/** The composition root: every module, configured from one validated GatewayConfig. */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, sources: readonly SourceModule[] = SOURCE_MODULES): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot(config.logging, config.build),
        NatsModule.forRoot(config.nats),
        SecurityModule.forRoot(config.security),
        IngressModule.forRoot(config.ingress),
        HealthModule,
        SourcesCoreModule,
        ...sources,
      ],
      providers: [{ provide: PRIMED_SOURCES, useValue: config.security.allowedSources }, MetricSeriesPrimer],
    };
  }
}
