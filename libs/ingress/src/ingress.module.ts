import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { SourcesCoreModule } from '@gateway/sources-core';
import { BodyGuard } from './body.guard';
import { ConfigurableModuleClass } from './ingress.module-definition';
import { IngressService } from './ingress.service';
import { SignalFreshness } from './signal-freshness';
import { SourceRouteGuard } from './source-route.guard';
import { WebhookController } from './webhook.controller';
import { WebhookIntakeMiddleware } from './webhook-intake.middleware';

/**
 * `POST /webhooks/<source>`: telemetry, the guard chain (webhook-route.decorator.ts),
 * normalization, and publishing. Its errors become answers through `ProblemFilter`, which the
 * application registers globally.
 */
@Module({
  imports: [SourcesCoreModule],
  controllers: [WebhookController],
  providers: [IngressService, SignalFreshness, SourceRouteGuard, BodyGuard, WebhookIntakeMiddleware],
})
export class IngressModule extends ConfigurableModuleClass implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(WebhookIntakeMiddleware).forRoutes({ path: 'webhooks/*path', method: RequestMethod.POST });
  }
}
