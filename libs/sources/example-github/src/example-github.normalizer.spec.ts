import { canonicalSignalIssues } from '@gateway/testing';
import { normalizeGithubExample } from './example-github.normalizer';

const alert = (over: Record<string, unknown> = {}) => ({
  ticker: 'AAPL',
  market: 'NASDAQ',
  direction: 'up',
  shares: '10',
  limit: '189.25',
  interval: 15,
  triggered_at: 1795780800,
  ...over,
});

describe('normalizeGithubExample', () => {
  it('maps the flat alert to the canonical signal: numbers from text, Unix time to RFC 3339 UTC', () => {
    const result = normalizeGithubExample(alert({ desk: 'us' }));
    expect(result).toEqual({
      ok: true,
      signal: {
        instrument: 'AAPL',
        exchange: 'NASDAQ',
        action: 'buy',
        price: 189.25,
        quantity: 10,
        timeframe: '15',
        strategy: null,
        signal_time: '2026-11-27T12:00:00.000Z',
        extra: { desk: 'us' },
      },
    });
    expect(canonicalSignalIssues(result)).toEqual([]);
  });

  it('fills what the alert leaves out with null', () => {
    const result = normalizeGithubExample({ ticker: 'AAPL', direction: 'flat' });
    expect(result).toMatchObject({ ok: true, signal: { action: 'close', exchange: null, price: null } });
    expect(canonicalSignalIssues(result)).toEqual([]);
  });

  it('refuses an unknown direction and a number that is not one, naming both', () => {
    expect(normalizeGithubExample(alert({ direction: 'sideways', limit: 'cheap' }))).toEqual({
      ok: false,
      errors: [
        { field: 'direction', message: 'must be one of up, down, flat' },
        { field: 'limit', message: 'must be a number' },
      ],
    });
  });
});
