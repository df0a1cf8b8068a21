import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { assertJsonWithinLimits, type NormalizationResult } from '@gateway/contracts';
import { jsonObjectOf } from '@gateway/sources-core';
import { normalizeTradingView } from './tradingview.normalizer';

interface Case {
  name: string;
  content_type: string;
  /** An object is sent as its JSON; a string is the body's text exactly as sent. */
  body: unknown;
  expect: { status: number; normalized?: Record<string, unknown>; never_in_event?: string[] };
}

// The project's own alert cases (JSON, plain text, placeholders, edge cases), kept beside the source.
const FIXTURES = path.join(__dirname, '../fixtures/tradingview-alerts.json');
const { cases } = JSON.parse(readFileSync(FIXTURES, 'utf8')) as { cases: Case[] };

/** The body as the gateway reads it (JSON within the limits, a JSON object), then the normalizer. */
function normalizeBody(c: Case): NormalizationResult {
  const text = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
  const body = jsonObjectOf({
    json: () => {
      assertJsonWithinLimits(Buffer.from(text));
      return JSON.parse(text) as unknown;
    },
  });
  return body.ok ? normalizeTradingView(body.payload) : { ok: false, errors: [body.issue] };
}

const byStatus = (status: number) =>
  cases.filter((c) => c.expect.status === status).map((c) => [c.name, c] as const);

describe('normalizeTradingView, the alert fixtures', () => {
  it('has cases of both outcomes, JSON and plain text', () => {
    expect(byStatus(202).length).toBeGreaterThan(5);
    expect(byStatus(422).length).toBeGreaterThan(5);
    expect(cases.some((c) => c.content_type.startsWith('text/plain'))).toBe(true);
    expect(cases.some((c) => typeof c.body === 'string')).toBe(true);
  });

  it.each(byStatus(202))('accepts: %s', (_name, c) => {
    const result = normalizeBody(c);
    expect(result).toEqual({ ok: true, signal: expect.anything() });
    if (result.ok) expect(result.signal).toMatchObject(c.expect.normalized ?? {});
    for (const secret of c.expect.never_in_event ?? []) expect(JSON.stringify(result)).not.toContain(secret);
  });

  it.each(byStatus(422))('rejects: %s', (_name, c) => {
    const result = normalizeBody(c);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
  });
});

describe('normalizeTradingView', () => {
  it('never puts the passphrase in extra', () => {
    const result = normalizeTradingView({
      ticker: 'BTCUSDT',
      action: 'buy',
      passphrase: 'hunter2',
      note: 'x',
    });
    expect(result.ok && result.signal.extra).toEqual({ note: 'x' });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('lists every problem at once', () => {
    const result = normalizeTradingView({ action: 'hold', price: '{{close}}', contracts: '-1' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.field).sort()).toEqual(['action', 'contracts', 'price', 'ticker']);
    }
  });

  it.each([
    ['exit', 'close'],
    ['flat', 'close'],
    ['short', 'sell'],
    ['Long', 'buy'],
  ])('maps the position word %p to %p', (word, action) => {
    const result = normalizeTradingView({ ticker: 'X', action: word });
    expect(result.ok && result.signal.action).toBe(action);
  });

  it('fills absent optional fields with null', () => {
    const result = normalizeTradingView({ ticker: 'X', action: 'buy' });
    expect(result).toEqual({
      ok: true,
      signal: {
        instrument: 'X',
        exchange: null,
        action: 'buy',
        price: null,
        quantity: null,
        timeframe: null,
        strategy: null,
        signal_time: null,
        extra: {},
      },
    });
  });
});
