import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { IngressModuleOptions } from './ingress.options';

/** `IngressModule.forRoot(options)` and `forRootAsync({ useFactory, inject })`. */
export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: INGRESS_OPTIONS } =
  new ConfigurableModuleBuilder<IngressModuleOptions>().setClassMethodName('forRoot').build();
