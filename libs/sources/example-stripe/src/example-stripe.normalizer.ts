import type { NormalizationResult, TradeAction } from '@gateway/contracts';
import { PayloadReader, resultOf } from '@gateway/sources-core';

const SIDES: Readonly<Record<string, TradeAction>> = { buy: 'buy', sell: 'sell', close: 'close' };

/**
 * Maps the Stripe-style example event (its payload schema already checked) to the canonical
 * signal: the signal is `data.object`, its time the event's `created`. The envelope's other
 * fields (`type`, `livemode`) and the signal's unmapped ones go to `extra`.
 */
export function normalizeStripeExample(payload: Record<string, unknown>): NormalizationResult {
  const top = new PayloadReader(payload);
  const data = payload.data as Record<string, unknown>;
  const signal = new PayloadReader(data.object as Record<string, unknown>);
  top.consume('id', 'object', 'data');
  const read = {
    instrument: signal.string(['instrument'], true),
    exchange: signal.string(['exchange']),
    action: signal.action(['side'], SIDES),
    price: signal.number(['price']),
    quantity: signal.number(['quantity'], { min: 0 }),
    timeframe: null,
    strategy: signal.string(['strategy']),
    signal_time: top.time(['created']),
    extra: { ...top.extra(), ...signal.extra() },
  };
  top.errors.push(...signal.errors.map((e) => ({ ...e, field: `data.object.${e.field}` })));
  return resultOf(top, read);
}
