import formats from 'ajv-formats';

const DIGITS = /^\d{1,16}$/;
// RFC 3339's own form: `T` (or a space), seconds, and a `Z` or `±hh:mm` offset. A looser parse
// (Date.parse alone) would read a time out of any text.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
// The check the event schemas' `date-time` format makes, so every time kept passes it too. It
// also checks the date exists: Date.parse would roll 2026-02-31 over into March.
const dateTime = formats.get('date-time', 'full') as { validate: (text: string) => boolean };
// Below it a Unix time is in seconds, above it in milliseconds (1e11 s is the year 5138).
const SECONDS_BELOW = 1e11;

export interface SignalTime {
  /** Epoch milliseconds. */
  ms: number;
  /** RFC 3339: the text as sent when it was one, else the UTC form of `ms`. */
  text: string;
}

/**
 * The one reading of a payload's signal time, for the replay window (token profile) and for the
 * event's `signal_time` alike: RFC 3339 in form and in fact, or Unix seconds or milliseconds as a
 * number or a string of digits. Anything else is not a time (undefined).
 */
export function signalTimeOf(value: unknown): SignalTime | undefined {
  if (typeof value === 'string' && RFC3339.test(value)) {
    return dateTime.validate(value) ? { ms: Date.parse(value), text: value } : undefined;
  }
  const n = typeof value === 'string' && DIGITS.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  const ms = n < SECONDS_BELOW ? n * 1000 : n;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : { ms, text: date.toISOString() };
}
