import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SecurityModuleOptions } from './security.options';

/**
 * `SecurityModule.forRoot(options)` and `forRootAsync({ useFactory, inject })`, both global by
 * default: the guards are instantiated in the module of the controller that uses them, which must
 * see their options.
 */
export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: SECURITY_OPTIONS } =
  new ConfigurableModuleBuilder<SecurityModuleOptions>()
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
    .build();
