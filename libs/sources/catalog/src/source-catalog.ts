import type { DynamicModule, Type } from '@nestjs/common';
import { CanarySourceModule } from '@gateway/sources-canary';
import { CustomSourceModule } from '@gateway/sources-custom';
import { TradingViewModule } from '@gateway/sources-tradingview';

export type SourceModule = Type | DynamicModule;

/**
 * The sources this gateway serves, each at `POST /webhooks/<id>`, and the sources whose dead
 * letters the DLQ replay can recover. A library rather than a file of the gateway app, so both
 * apps read the same list without one app importing another. Add a source: one line here
 * (docs/adding-a-source.md).
 */
export const SOURCE_MODULES: readonly SourceModule[] = [
  TradingViewModule,
  CustomSourceModule,
  CanarySourceModule,
];
