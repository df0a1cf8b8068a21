import type { NormalizationResult, TradeAction } from '@gateway/contracts';
import { PayloadReader, resultOf } from '@gateway/sources-core';

/** The bot's direction words; anything else is a 422, dead-lettered for a later fix. */
export const GITHUB_EXAMPLE_DIRECTIONS: Readonly<Record<string, TradeAction>> = {
  up: 'buy',
  down: 'sell',
  flat: 'close',
};

/** Maps the GitHub-style example bot's alert (its payload schema already checked) to the canonical signal. */
export function normalizeGithubExample(payload: Record<string, unknown>): NormalizationResult {
  const read = new PayloadReader(payload);
  return resultOf(read, {
    instrument: read.string(['ticker'], true),
    exchange: read.string(['market']),
    action: read.action(['direction'], GITHUB_EXAMPLE_DIRECTIONS),
    price: read.number(['limit']),
    quantity: read.number(['shares'], { min: 0 }),
    timeframe: read.string(['interval']),
    strategy: null,
    signal_time: read.time(['triggered_at']),
    extra: read.extra(),
  });
}
