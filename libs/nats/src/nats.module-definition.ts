import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { NatsModuleOptions } from './nats.options';

/**
 * `NatsModule.forRoot(options)` and `NatsModule.forRootAsync({ useFactory, inject })`, both global
 * by default: the ports are used by guards and services across the application. The extra is
 * applied to the generated definition, so the sync and async variants cannot drift apart.
 */
export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: NATS_OPTIONS } =
  new ConfigurableModuleBuilder<NatsModuleOptions>()
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
    .build();
