import { randomUUID } from 'node:crypto';

/** A body the example source (libs/sources/example) takes, with changes to its signal or top level. */
export const exampleAlert = (
  signal: Record<string, unknown> = {},
  more: Record<string, unknown> = {},
): string =>
  JSON.stringify({
    id: randomUUID(),
    signal: { symbol: 'ETHUSDT', venue: 'BINANCE', side: 'long', size: 2, limit_price: 3010.5, ...signal },
    strategy: 'breakout',
    fired_at: '2026-11-27T12:00:00Z',
    ...more,
  });
