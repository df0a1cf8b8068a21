import { CustomSourceModule } from '@gateway/sources-custom';
import { TradingViewModule } from '@gateway/sources-tradingview';

/** The sources this gateway serves, each at `POST /webhooks/<id>`. Add a source: one line here. */
export const SOURCE_MODULES = [TradingViewModule, CustomSourceModule];
