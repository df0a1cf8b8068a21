import { jsonObjectOf, PayloadReader } from './payload-reader';

const ACTIONS = { buy: 'buy', sell: 'sell', close: 'close', long: 'buy' } as const;

describe('PayloadReader', () => {
  describe('aliases', () => {
    it('takes the first alias present and leaves the others in extra', () => {
      const read = new PayloadReader({ time: '2026-11-27T12:00:00Z', timenow: '2026-11-27T12:00:03Z' });
      expect(read.time(['time', 'timenow'])).toBe('2026-11-27T12:00:00Z');
      expect(read.extra()).toEqual({ timenow: '2026-11-27T12:00:03Z' });
    });

    it('falls back to a later alias when the first is absent', () => {
      const read = new PayloadReader({ symbol: 'ETHUSD' });
      expect(read.string(['ticker', 'symbol'], true)).toBe('ETHUSD');
      expect(read.errors).toEqual([]);
      expect(read.extra()).toEqual({});
    });

    it('reports a missing required field under its first alias', () => {
      const read = new PayloadReader({});
      expect(read.string(['ticker', 'symbol'], true)).toBeNull();
      expect(read.errors).toEqual([{ field: 'ticker', message: expect.stringContaining('required') }]);
    });

    it('rejects a required string that is only whitespace (documented as non-empty)', () => {
      const read = new PayloadReader({ ticker: '   ' });
      read.string(['ticker'], true);
      expect(read.errors.map((e) => e.field)).toEqual(['ticker']);
    });
  });

  describe('number', () => {
    it.each([
      ['64123.5', 64123.5],
      [' 2 ', 2],
      ['1e3', 1000],
      [10, 10],
    ])('reads %p as %p', (value, expected) => {
      const read = new PayloadReader({ price: value });
      expect(read.number(['price'])).toBe(expected);
      expect(read.errors).toEqual([]);
    });

    it.each(['sixty-four thousand', '{{close}}', 'Infinity', '-Infinity', '1e999', 'NaN', '0x10', true])(
      'rejects %p',
      (value) => {
        const read = new PayloadReader({ price: value });
        expect(read.number(['price'])).toBeNull();
        expect(read.errors).toHaveLength(1);
        expect(read.errors[0].field).toBe('price');
      },
    );

    it('names a placeholder as such', () => {
      const read = new PayloadReader({ close: '{{close}}' });
      read.number(['price', 'close']);
      expect(read.errors).toEqual([{ field: 'close', message: expect.stringMatching(/placeholder/) }]);
    });

    it('enforces min (negative quantity rejected, zero allowed)', () => {
      const read = new PayloadReader({ qty: '-1', size: 0 });
      expect(read.number(['qty'], { min: 0 })).toBeNull();
      expect(read.number(['size'], { min: 0 })).toBe(0);
      expect(read.errors.map((e) => e.field)).toEqual(['qty']);
    });

    it('treats absent, null and empty as no value', () => {
      const read = new PayloadReader({ a: null, b: '' });
      expect([read.number(['a']), read.number(['b']), read.number(['c'])]).toEqual([null, null, null]);
      expect(read.errors).toEqual([]);
    });
  });

  describe('string', () => {
    it('rejects an unexpanded placeholder', () => {
      const read = new PayloadReader({ ticker: '{{ticker}}' });
      expect(read.string(['ticker'], true)).toBeNull();
      expect(read.errors).toEqual([{ field: 'ticker', message: expect.stringMatching(/placeholder/) }]);
    });

    it('takes a number as its text and rejects objects', () => {
      const read = new PayloadReader({ interval: 15, strategy: { name: 'x' } });
      expect(read.string(['interval'])).toBe('15');
      expect(read.string(['strategy'])).toBeNull();
      expect(read.errors.map((e) => e.field)).toEqual(['strategy']);
    });

    it.each([Number('12345678901234567890123'), 1.5, 2 ** 53])(
      'refuses the number %p: its text would not be what was sent',
      (ticker) => {
        const read = new PayloadReader({ ticker });
        expect(read.string(['ticker'])).toBeNull();
        expect(read.errors.map((e) => e.field)).toEqual(['ticker']);
      },
    );

    it.each([
      'BTC\ud800USDT',
      'BTC\u0000USDT',
      'BTC\r\nUSDT',
      'BTC\tUSDT',
      'BTC\u200bUSDT',
      'BTC\u202eUSDT',
      'BTC\u2028USDT',
      'BTC\u0085USDT',
    ])('refuses %j: control, invisible or direction characters, or half a surrogate pair', (ticker) => {
      const read = new PayloadReader({ ticker });
      expect(read.string(['ticker'])).toBeNull();
      expect(read.errors).toEqual([{ field: 'ticker', message: expect.stringMatching(/control/) }]);
    });

    it.each(['BTC/USDT', 'ÉTOILE', '株式7203', 'momentum 🚀', ' ETH-USD '])('keeps %j', (text) => {
      expect(new PayloadReader({ t: text }).string(['t'])).toBe(text.trim());
    });
  });

  describe('time', () => {
    it('keeps RFC 3339 as sent, offset included', () => {
      const read = new PayloadReader({ a: '2026-11-27T12:00:00.250+02:00', b: '2026-11-27T12:00:00Z' });
      expect(read.time(['a'])).toBe('2026-11-27T12:00:00.250+02:00');
      expect(read.time(['b'])).toBe('2026-11-27T12:00:00Z');
    });

    it('turns epoch seconds and milliseconds into the same ISO instant', () => {
      // 1764244800 s = 2025-11-27T12:00:00Z
      const read = new PayloadReader({ s: 1764244800, ms: 1764244800000 });
      expect(read.time(['s'])).toBe('2025-11-27T12:00:00.000Z');
      expect(read.time(['ms'])).toBe('2025-11-27T12:00:00.000Z');
      expect(read.errors).toEqual([]);
    });

    it.each([9e14, 8e15, -1e14])('rejects the Unix time %p, past the years RFC 3339 can write', (value) => {
      const read = new PayloadReader({ time: value });
      expect(read.time(['time'])).toBeNull();
      expect(read.errors).toEqual([
        { field: 'time', message: 'must be a time within the years 0000 to 9999' },
      ]);
    });

    it.each(['yesterday', '2026-11-27', '2026-13-01T00:00:00Z', '{{timenow}}'])('rejects %p', (value) => {
      const read = new PayloadReader({ time: value });
      expect(read.time(['time'])).toBeNull();
      expect(read.errors.map((e) => e.field)).toEqual(['time']);
    });

    it.each(['2026-02-31T00:00:00Z', '2026-11-27T24:00:00Z'])(
      'rejects %p, which has RFC 3339 shape but names no real instant',
      (value) => {
        // RFC 3339 section 5.7: mday is bounded by the month, hour is 00-23. Kept as sent, it would
        // reach consumers as a time their parsers reject (or silently shift to another day).
        const read = new PayloadReader({ time: value });
        expect(read.time(['time'])).toBeNull();
      },
    );
  });

  describe('time, as the event schemas check it (date-time)', () => {
    // Unix times outside the years 0000-9999 became `+010000-…` in the event.
    it.each([253402300800000, -62167219201, 8.64e15])('names the field for Unix time %p', (value) => {
      const read = new PayloadReader({ time: value });
      expect(read.time(['time'])).toBeNull();
      expect(read.errors).toEqual([
        { field: 'time', message: 'must be a time within the years 0000 to 9999' },
      ]);
    });

    it.each([
      [253402300799999, '9999-12-31T23:59:59.999Z'],
      [-62167219200, '0000-01-01T00:00:00.000Z'],
    ])('keeps Unix time %p, at the edge of the years the schema allows', (value, iso) => {
      expect(new PayloadReader({ time: value }).time(['time'])).toBe(iso);
    });

    it('keeps a real leap second, and a space for the T', () => {
      const read = new PayloadReader({ a: '2016-12-31T23:59:60Z', b: '2026-11-27 12:00:00Z' });
      expect([read.time(['a']), read.time(['b'])]).toEqual(['2016-12-31T23:59:60Z', '2026-11-27 12:00:00Z']);
    });

    it.each(['2026-11-27T12:00:60Z', '2026-11-27T12:00:00+0200', '2026-11-27T12:00Z'])(
      'rejects %p',
      (value) => {
        const read = new PayloadReader({ time: value });
        expect(read.time(['time'])).toBeNull();
      },
    );
  });

  describe('action', () => {
    it.each(['buy', 'BUY', 'Buy', ' sell ', 'LONG'])('matches %p case-insensitively', (value) => {
      const read = new PayloadReader({ action: value });
      expect(read.action(['action'], ACTIONS)).toBe(
        ACTIONS[value.trim().toLowerCase() as keyof typeof ACTIONS],
      );
      expect(read.errors).toEqual([]);
    });

    it.each(['hold', 'constructor', '__proto__', 'toString'])('rejects %p', (value) => {
      const read = new PayloadReader({ side: value });
      read.action(['action', 'side'], ACTIONS);
      expect(read.errors.map((e) => e.field)).toEqual(['side']);
    });

    it('requires an action', () => {
      const read = new PayloadReader({});
      read.action(['action', 'side'], ACTIONS);
      expect(read.errors.map((e) => e.field)).toEqual(['action']);
    });
  });

  describe('extra', () => {
    it('never carries prototype keys', () => {
      const payload = JSON.parse(
        '{"__proto__":{"x":1},"constructor":{"prototype":{"y":2}},"prototype":3,"note":"kept"}',
      ) as Record<string, unknown>;
      const extra = new PayloadReader(payload).extra();
      expect(Object.keys(extra)).toEqual(['note']);
      expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });

    it('refuses a placeholder left at any depth, naming its path', () => {
      const read = new PayloadReader({
        note: '{{plot_0}}',
        meta: { sl: '{{close}}', ok: 'fine' },
        levels: [1, { tp: 'at {{high}}' }],
      });
      read.extra();
      expect(read.errors.map((e) => e.field)).toEqual(['note', 'meta.sl', 'levels.1.tp']);
    });

    it('leaves out read, consumed and dropped keys', () => {
      const read = new PayloadReader({ ticker: 'X', id: '1', passphrase: 's', other: 1 });
      read.string(['ticker']);
      read.consume('id');
      expect(read.extra(['passphrase'])).toEqual({ other: 1 });
    });
  });
});

describe('jsonObjectOf', () => {
  const of = (text: string) => jsonObjectOf({ json: () => JSON.parse(text) as unknown });
  const withBody = (text: string) =>
    jsonObjectOf({ json: () => JSON.parse(text) as unknown, body: Buffer.from(text) });

  it('accepts a JSON object', () => {
    expect(of('{"a":1}')).toEqual({ ok: true, payload: { a: 1 } });
  });

  it.each(['{"a":', ' [1,', ''])('reports invalid JSON for %p', (text) => {
    expect(withBody(text)).toEqual({
      ok: false,
      issue: { field: 'body', message: 'is not valid JSON' },
    });
  });

  it.each(['BTCUSDT crossing 64000', '  Long ETH now!', 'not json'])(
    'names a body that is not JSON at all plain text: %p',
    (text) => {
      expect(withBody(text)).toEqual({
        ok: false,
        issue: { field: 'body', message: 'is plain text, not JSON: a signal is a JSON object' },
      });
    },
  );

  it.each(['[1,2]', 'null', '"text"', '42'])('reports a non-object for %p', (text) => {
    expect(of(text)).toEqual({
      ok: false,
      issue: { field: 'body', message: expect.stringMatching(/object/) },
    });
  });
});
