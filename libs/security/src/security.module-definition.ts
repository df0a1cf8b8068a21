import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SecurityModuleOptions } from './security.options';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: SECURITY_OPTIONS } =
  new ConfigurableModuleBuilder<SecurityModuleOptions>().setClassMethodName('forRoot').build();
