import type { NormalizationResult, TradeAction } from '@gateway/contracts';
import { PayloadReader, resultOf } from '@gateway/sources-core';

// The canonical format takes the canonical words only.
const ACTIONS: Record<string, TradeAction> = { buy: 'buy', sell: 'sell', close: 'close' };

/** Validates a payload already in the canonical format (docs/contract.md 4.2). */
export function normalizeCustom(payload: Record<string, unknown>): NormalizationResult {
  const read = new PayloadReader(payload);
  // `source` chose the route's source and `id` the idempotency key; neither is signal data.
  read.consume('source', 'id');
  return resultOf(read, {
    instrument: read.string(['instrument'], true),
    exchange: read.string(['exchange']),
    action: read.action(['action'], ACTIONS),
    price: read.number(['price']),
    quantity: read.number(['quantity'], { min: 0 }),
    timeframe: read.string(['timeframe']),
    strategy: read.string(['strategy']),
    signal_time: read.time(['signal_time']),
    extra: read.extra(),
  });
}
