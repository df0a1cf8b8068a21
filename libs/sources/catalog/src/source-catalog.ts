import type { DynamicModule, Type } from '@nestjs/common';
import type { SourceSettings } from '@gateway/contracts';
import { CanarySourceModule } from '@gateway/sources-canary';
import { CustomSourceModule } from '@gateway/sources-custom';
import { TRADINGVIEW_SETTINGS, TradingViewModule } from '@gateway/sources-tradingview';

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

/**
 * The environment variables sources declare for themselves, read by the gateway's configuration
 * before any module exists (so data, not providers). Only a source with variables of its own is
 * listed (docs/adding-a-source.md, "Settings of its own").
 */
export const SOURCE_SETTINGS: readonly SourceSettings[] = [TRADINGVIEW_SETTINGS];

/** The source ids allowed in when ALLOWED_SOURCES is not set. */
export const DEFAULT_ALLOWED_SOURCES: readonly string[] = ['tradingview'];
