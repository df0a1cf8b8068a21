/**
 * Limits on the shape of a JSON body, checked on the raw bytes before it is parsed. Deep input
 * overflows the stack of every recursive consumer (JSON.stringify of an event, class-transformer)
 * and a huge array costs memory out of proportion to its bytes; no trading signal needs either.
 */
export const JSON_LIMITS = { maxDepth: 32, maxArrayItems: 1000 } as const;

/** The body is JSON-shaped but past JSON_LIMITS; reported like JSON that does not parse. */
export class JsonLimitError extends SyntaxError {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

// Commas seen in each open container (-1 for an object, whose members are not counted), by depth.
// Reused across calls: the scan is synchronous, so no two scans ever share it.
const commas = new Int32Array(JSON_LIMITS.maxDepth + 2);

/** Index of the quote that closes the string opened at `open`, or the end of the input. */
function endOfString(bytes: Uint8Array, open: number): number {
  let close = bytes.indexOf(QUOTE, open + 1);
  while (close !== -1) {
    let backslashes = 0;
    while (bytes[close - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close;
    close = bytes.indexOf(QUOTE, close + 1);
  }
  return bytes.length;
}

/**
 * Throws a JsonLimitError when the bytes nest deeper than JSON_LIMITS.maxDepth or hold an array of
 * more than JSON_LIMITS.maxArrayItems items. One pass, no allocation; strings are skipped with a native search. It
 * does not validate JSON: what is malformed is left to JSON.parse. Returns the colons outside
 * strings: in valid JSON, exactly the number of object members written (assertUniqueMemberNames).
 */
export function assertJsonWithinLimits(bytes: Uint8Array): number {
  const { maxDepth, maxArrayItems } = JSON_LIMITS;
  let depth = 0;
  let members = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = endOfString(bytes, i);
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > maxDepth) throw new JsonLimitError(`nests deeper than ${maxDepth} levels`);
      commas[depth] = byte === OPEN_ARRAY ? 0 : -1;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      if (depth > 0) depth--;
    } else if (byte === COLON) {
      members++;
    } else if (byte === COMMA && depth > 0 && commas[depth] >= 0) {
      // n commas separate n + 1 items.
      if (++commas[depth] >= maxArrayItems) {
        throw new JsonLimitError(`holds an array of more than ${maxArrayItems} items`);
      }
    }
  }
  return members;
}

/** Valid JSON that names one member twice in one object, which I-JSON (RFC 7493) forbids. */
export class JsonDuplicateNameError extends JsonLimitError {
  constructor() {
    super('has a member name twice in one object (RFC 7493)');
  }
}

/** The members of every object in a parsed JSON value, at any depth (JSON_LIMITS bound the depth). */
function membersIn(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += membersIn(item);
    return count;
  }
  const keys = Object.keys(value);
  count = keys.length;
  for (const key of keys) count += membersIn((value as Record<string, unknown>)[key]);
  return count;
}

/**
 * Throws a JsonDuplicateNameError when `parsed` holds fewer members than the `written` ones the
 * scan counted: JSON.parse keeps only the last of a repeated name, so a body like
 * `{"action":"buy","action":"sell"}` reads one way here and the other way for a consumer that
 * keeps the first. One walk over the parsed value, no second parse.
 */
export function assertUniqueMemberNames(parsed: unknown, written: number): void {
  if (written > 0 && membersIn(parsed) < written) throw new JsonDuplicateNameError();
}
