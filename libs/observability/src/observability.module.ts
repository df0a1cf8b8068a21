import { DynamicModule, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { BuildInfo, buildInfoProviders } from './build-info';
import { createRootLogger, LoggingOptions, loggerOptions, ROOT_LOGGER } from './logger-options';
import { WebhookInstruments } from './webhook.instruments';
import { webhookMetricProviders } from './webhook.metrics';
import { WebhookTelemetryMiddleware } from './webhook-telemetry.middleware';

/** JSON logs, `/metrics`, and the per-webhook telemetry middleware. Import once, in the app root. */
@Module({})
export class ObservabilityModule {
  static forRoot(logging: LoggingOptions, build: BuildInfo): DynamicModule {
    const root = createRootLogger(logging);
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerOptions(root)),
        PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } }),
      ],
      providers: [
        { provide: ROOT_LOGGER, useValue: root },
        ...webhookMetricProviders,
        ...buildInfoProviders(build),
        WebhookInstruments,
        WebhookTelemetryMiddleware,
      ],
      exports: [ROOT_LOGGER, WebhookTelemetryMiddleware, WebhookInstruments, ...webhookMetricProviders],
    };
  }
}
