import { DynamicModule, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { LoggingOptions, loggerOptions } from './logger-options';
import { WebhookInstruments } from './webhook.instruments';
import { webhookMetricProviders } from './webhook.metrics';
import { WebhookTelemetryMiddleware } from './webhook-telemetry.middleware';

/** JSON logs, `/metrics`, and the per-webhook telemetry middleware. Import once, in the app root. */
@Module({})
export class ObservabilityModule {
  static forRoot(logging: LoggingOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerOptions(logging)),
        PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } }),
      ],
      providers: [...webhookMetricProviders, WebhookInstruments, WebhookTelemetryMiddleware],
      exports: [WebhookTelemetryMiddleware, WebhookInstruments, ...webhookMetricProviders],
    };
  }
}
