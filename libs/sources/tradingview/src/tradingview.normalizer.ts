import type { NormalizationResult, TradeAction } from '@gateway/contracts';
import { PayloadReader, resultOf } from '@gateway/sources-core';

// `{{strategy.order.action}}` renders buy/sell; alert templates also use position words.
const ACTIONS: Record<string, TradeAction> = {
  buy: 'buy',
  sell: 'sell',
  close: 'close',
  long: 'buy',
  short: 'sell',
  exit: 'close',
  flat: 'close',
};

/** Fields that carry a secret and must never reach an event. */
export const TRADINGVIEW_SECRET_FIELDS = ['passphrase'];

/** Maps a TradingView alert template's fields to the canonical signal (docs/contract.md 4.1). */
export function normalizeTradingView(payload: Record<string, unknown>): NormalizationResult {
  const read = new PayloadReader(payload);
  return resultOf(read, {
    instrument: read.string(['ticker', 'symbol'], true),
    exchange: read.string(['exchange']),
    action: read.action(['action', 'side', 'order_action'], ACTIONS),
    quantity: read.number(['contracts', 'quantity', 'qty', 'size'], { min: 0 }),
    price: read.number(['price', 'close']),
    timeframe: read.string(['interval', 'timeframe']),
    strategy: read.string(['strategy']),
    signal_time: read.time(['time', 'timenow']),
    extra: read.extra(TRADINGVIEW_SECRET_FIELDS),
  });
}
