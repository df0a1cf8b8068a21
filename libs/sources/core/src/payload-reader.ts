import {
  isPlainObject,
  JsonLimitError,
  type NormalizationResult,
  type Signal,
  isUnixTime,
  signalTimeOf,
  type TradeAction,
  type ValidationIssue,
} from '@gateway/contracts';

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const PLACEHOLDER = /\{\{.*\}\}/;
// Control characters (NUL, CR/LF, ...), invisible and direction ones (U+200B, U+202E, ...), line
// separators and half a surrogate pair: text a strict consumer cannot read, or that displays as
// another instrument than it is.
const UNREADABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
// Keys that would reach an object's prototype if copied naively; never carried into an event.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_STRING = 256;

export type Aliases = readonly [string, ...string[]];

/**
 * Reads canonical fields out of a parsed payload. Each field is taken from the first of its
 * aliases present; what a read rejects is collected in `errors` (the 422's list) rather than
 * thrown, so one response names every problem. Fields never read end up in `extra()`.
 */
export class PayloadReader {
  readonly errors: ValidationIssue[] = [];
  private readonly consumed = new Set<string>();

  constructor(private readonly payload: Record<string, unknown>) {}

  /**
   * A non-empty string of readable text. A whole number is taken as its digits (as alert templates
   * render a chart interval such as `60`, and a ticker such as 7203); any other number would not write back as
   * it was sent (`1.2345678901234568e+22`), so it is refused.
   */
  string(aliases: Aliases, required: true): string;
  string(aliases: Aliases, required?: false): string | null;
  string(aliases: Aliases, required = false): string | null {
    const [key, raw] = this.take(aliases);
    const value = typeof raw === 'string' ? raw.trim() : raw;
    if (value === undefined || value === null || value === '') {
      if (required) this.fail(aliases[0], `is required (as ${aliases.join(' or ')})`);
      return null;
    }
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value)) return String(value);
      return this.fail(key, 'must be a string (a number only when whole and within ±(2^53 − 1))');
    }
    if (typeof value !== 'string') return this.fail(key, 'must be a string');
    if (value.length > MAX_STRING) return this.fail(key, `must be at most ${MAX_STRING} characters`);
    if (PLACEHOLDER.test(value)) return this.fail(key, 'is an unexpanded placeholder');
    if (UNREADABLE.test(value)) {
      return this.fail(key, 'holds a control, invisible or direction character, or half a surrogate pair');
    }
    return value;
  }

  /** A finite number, or a string holding one (`"64123.5"`). */
  number(aliases: Aliases, { min }: { min?: number } = {}): number | null {
    const [key, value] = this.take(aliases);
    if (value === undefined || value === null || value === '') return null;
    let n: number;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string' && PLACEHOLDER.test(value))
      return this.fail(key, 'is an unexpanded placeholder');
    else if (typeof value === 'string' && NUMERIC.test(value.trim())) n = Number(value.trim());
    else return this.fail(key, 'must be a number');
    if (!Number.isFinite(n)) return this.fail(key, 'must be a finite number');
    if (min !== undefined && n < min) return this.fail(key, `must be at least ${min}`);
    return n;
  }

  /** A trade action through a table of accepted spellings (matched lower-cased). */
  action(aliases: Aliases, spellings: Readonly<Record<string, TradeAction>>): TradeAction {
    const text = this.string(aliases, true);
    if (text === null) return 'buy'; // already failed as required; the value is never used
    const action = Object.hasOwn(spellings, text.toLowerCase()) ? spellings[text.toLowerCase()] : undefined;
    if (!action) this.fail(this.keyOf(aliases), `must be one of ${Object.keys(spellings).join(', ')}`);
    return action ?? 'buy';
  }

  /** An RFC 3339 timestamp, kept as sent; Unix seconds or milliseconds become RFC 3339 UTC. */
  time(aliases: Aliases): string | null {
    const [key, value] = this.take(aliases);
    if (value === undefined || value === null || value === '') return null;
    const time = signalTimeOf(value);
    if (time) return time.text;
    // A Unix time that is not a time at all, or outside what RFC 3339 (and the event schema) can write.
    if (isUnixTime(value)) return this.fail(key, 'must be a time within the years 0000 to 9999');
    return this.fail(key, 'must be an RFC 3339 timestamp or Unix time');
  }

  /**
   * Every field not read (and not `dropped`), for the event's `extra`, as sent; a placeholder left
   * in it, at any depth, is refused like one in a canonical field (consumers read stop-loss and
   * take-profit levels from `extra`).
   */
  extra(dropped: readonly string[] = []): Record<string, unknown> {
    const extra: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.payload)) {
      if (!this.consumed.has(key) && !dropped.includes(key) && !PROTOTYPE_KEYS.has(key)) {
        extra[key] = value;
        this.failPlaceholders(key, value);
      }
    }
    return extra;
  }

  /** Marks keys as handled without reading them (e.g. an id used only for idempotency). */
  consume(...keys: string[]): void {
    for (const key of keys) this.consumed.add(key);
  }

  private take(aliases: Aliases): [string, unknown] {
    const key = this.keyOf(aliases);
    this.consumed.add(key);
    return [key, Object.hasOwn(this.payload, key) ? this.payload[key] : undefined];
  }

  /** The first alias present; later aliases stay in `extra` (e.g. `timenow` beside `time`). */
  private keyOf(aliases: Aliases): string {
    return aliases.find((a) => Object.hasOwn(this.payload, a)) ?? aliases[0];
  }

  /** Each placeholder in `value` (a string, or one in an array or object), by its path. */
  private failPlaceholders(path: string, value: unknown): void {
    if (typeof value === 'string') {
      if (PLACEHOLDER.test(value)) this.fail(path, 'is an unexpanded placeholder');
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => this.failPlaceholders(`${path}.${i}`, item));
    } else if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) this.failPlaceholders(`${path}.${key}`, item);
    }
  }

  private fail(field: string, message: string): null {
    this.errors.push({ field, message });
    return null;
  }
}

export type JsonObjectResult =
  { ok: true; payload: Record<string, unknown> } | { ok: false; issue: ValidationIssue };

/**
 * The request body as a JSON object, or the issue that makes it not one. A body that does not even
 * begin like JSON (`BTCUSDT crossing 64000`, a chart alert's plain message) is named plain
 * text, so its sender is not sent looking for a typo in JSON they never wrote.
 */
export function jsonObjectOf(webhook: { json(): unknown; readonly body?: Buffer }): JsonObjectResult {
  let payload: unknown;
  try {
    payload = webhook.json();
  } catch (err) {
    const message =
      err instanceof JsonLimitError
        ? err.message
        : isPlainText(webhook.body)
          ? 'is plain text, not JSON: a signal is a JSON object'
          : 'is not valid JSON';
    return { ok: false, issue: { field: 'body', message } };
  }
  return isPlainObject(payload)
    ? { ok: true, payload }
    : { ok: false, issue: { field: 'body', message: 'must be a JSON object' } };
}

/** Text that is not JSON and does not start like a JSON object or array (whitespace aside). */
function isPlainText(body: Buffer | undefined): boolean {
  const first = body?.toString('utf8', 0, 64).trimStart()[0];
  return first !== undefined && first !== '{' && first !== '[';
}

/** The result of a read: the signal when nothing was rejected, else every rejection. */
export function resultOf(reader: PayloadReader, signal: Signal): NormalizationResult {
  return reader.errors.length > 0 ? { ok: false, errors: reader.errors } : { ok: true, signal };
}
