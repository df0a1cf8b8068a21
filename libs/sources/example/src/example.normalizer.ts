import type { NormalizationResult, TradeAction } from '@gateway/contracts';
import { PayloadReader, resultOf } from '@gateway/sources-core';

/** The bot's side words; anything else is a 422, dead-lettered for a later fix. */
export const EXAMPLE_SIDES: Readonly<Record<string, TradeAction>> = {
  long: 'buy',
  short: 'sell',
  flat: 'close',
};

/**
 * Maps the example bot's alert (its payload schema already checked) to the canonical signal.
 * Top-level fields it does not map go to `extra`.
 */
export function normalizeExample(
  payload: Record<string, unknown>,
  sides: Readonly<Record<string, TradeAction>> = EXAMPLE_SIDES,
): NormalizationResult {
  const top = new PayloadReader(payload);
  const signal = new PayloadReader(payload.signal as Record<string, unknown>);
  top.consume('id', 'signal');
  const read = {
    instrument: signal.string(['symbol'], true),
    exchange: signal.string(['venue']),
    action: signal.action(['side'], sides),
    price: signal.number(['limit_price']),
    quantity: signal.number(['size'], { min: 0 }),
    timeframe: null,
    strategy: top.string(['strategy']),
    signal_time: top.time(['fired_at']),
    extra: top.extra(),
  };
  // Errors of the nested object are named by their path in the payload.
  top.errors.push(...signal.errors.map((e) => ({ ...e, field: `signal.${e.field}` })));
  return resultOf(top, read);
}
