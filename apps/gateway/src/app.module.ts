import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DlqHealModule } from '@gateway/dead-letters';
import { HealthModule } from '@gateway/health';
import { IngressModule, ProblemFilter } from '@gateway/ingress';
import { NatsModule } from '@gateway/nats';
import { ObservabilityModule } from '@gateway/observability';
import { SecurityModule } from '@gateway/security';
import { SOURCE_MODULES, SourceModule } from '@gateway/sources-catalog';
import { SourcesCoreModule } from '@gateway/sources-core';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config';
import { ManagementPortMiddleware } from './management/management-port.middleware';
import { ManagementServer } from './management/management.server';
import { MetricSeriesPrimer, PRIMED_SOURCES } from './metric-series.primer';
import { secretReloadMetricProviders } from './secrets/secret-reload.metrics';
import { SecretReloader } from './secrets/secret-reloader';

/** The composition root: every module, configured from one validated GatewayConfig. */
@Module({})
export class AppModule implements NestModule {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

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
        DlqHealModule.forRoot(config.deadLetterHealing),
        ...sources,
      ],
      providers: [
        // Every error of every route, webhooks, probes and 404s alike, answers as problem+json.
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: PRIMED_SOURCES, useValue: config.security.allowedSources },
        MetricSeriesPrimer,
        { provide: GATEWAY_CONFIG, useValue: config },
        ...secretReloadMetricProviders,
        SecretReloader,
        ManagementServer,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    if (this.config.managementPort === undefined) return;
    consumer
      .apply(ManagementPortMiddleware)
      .forRoutes({ path: '/', method: RequestMethod.ALL }, { path: '*path', method: RequestMethod.ALL });
  }
}
