import fc from 'fast-check';
import {
  assertJsonWithinLimits,
  assertUniqueMemberNames,
  JSON_LIMITS,
  JsonDuplicateNameError,
  JsonLimitError,
} from './json-limits';

const { maxDepth, maxArrayItems } = JSON_LIMITS;

/** The reference, on the parsed value: how deep it nests and its longest array. */
function shapeOf(value: unknown, depth = 0): { depth: number; longest: number } {
  if (typeof value !== 'object' || value === null) return { depth, longest: 0 };
  const children = Array.isArray(value) ? value : Object.values(value);
  let shape = { depth: depth + 1, longest: Array.isArray(value) ? value.length : 0 };
  for (const child of children) {
    const inner = shapeOf(child, depth + 1);
    shape = { depth: Math.max(shape.depth, inner.depth), longest: Math.max(shape.longest, inner.longest) };
  }
  return shape;
}

const withinLimits = (text: string): boolean => {
  try {
    assertJsonWithinLimits(Buffer.from(text));
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(JsonLimitError);
    return false;
  }
};

/** A JSON value wrapped in `levels` arrays or objects, so depths around the limit are common. */
const nested = fc
  .tuple(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.boolean(), { maxLength: maxDepth + 4 }))
  .map(([value, wrappers]) => wrappers.reduce<unknown>((v, asArray) => (asArray ? [v] : { k: v }), value));

const longArrays = fc
  .integer({ min: maxArrayItems - 3, max: maxArrayItems + 3 })
  .chain((n) =>
    fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant([1, 2])), { minLength: n, maxLength: n }),
  )
  .map((items) => ({ items }));

describe('assertJsonWithinLimits', () => {
  it(`accepts ${maxDepth} levels and refuses ${maxDepth + 1}`, () => {
    expect(withinLimits('['.repeat(maxDepth) + ']'.repeat(maxDepth))).toBe(true);
    expect(withinLimits('{"a":'.repeat(maxDepth) + '1' + '}'.repeat(maxDepth))).toBe(true);
    expect(withinLimits('['.repeat(maxDepth + 1) + ']'.repeat(maxDepth + 1))).toBe(false);
  });

  it(`accepts ${maxArrayItems} array items and refuses ${maxArrayItems + 1}`, () => {
    expect(withinLimits(JSON.stringify(new Array(maxArrayItems).fill(0)))).toBe(true);
    expect(withinLimits(JSON.stringify(new Array(maxArrayItems + 1).fill(0)))).toBe(false);
  });

  it('does not count object members as array items', () => {
    const members = Object.fromEntries(Array.from({ length: maxArrayItems * 2 }, (_, i) => [`k${i}`, i]));
    expect(withinLimits(JSON.stringify(members))).toBe(true);
  });

  it('ignores brackets, commas and escaped quotes inside strings', () => {
    const tricky = JSON.stringify({ s: `\\"${'[{,'.repeat(maxArrayItems)}\\` });
    expect(withinLimits(tricky)).toBe(true);
  });

  it('refuses a flood of unclosed brackets without parsing (1 MiB)', () => {
    expect(withinLimits('['.repeat(1024 * 1024))).toBe(false);
  });

  it('agrees with the parsed value on every JSON document (property)', () => {
    fc.assert(
      fc.property(fc.oneof(nested, longArrays, fc.jsonValue()), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const shape = shapeOf(value);
        expect(withinLimits(text)).toBe(shape.depth <= maxDepth && shape.longest <= maxArrayItems);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a JsonLimitError on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        withinLimits(Buffer.from(bytes).toString('latin1'));
      }),
    );
  });
});

describe('assertUniqueMemberNames (I-JSON, RFC 7493)', () => {
  /** True when the text names no member twice in one object. */
  const unique = (text: string): boolean => {
    const written = assertJsonWithinLimits(Buffer.from(text));
    try {
      assertUniqueMemberNames(JSON.parse(text), written);
      return true;
    } catch (err) {
      expect(err).toBeInstanceOf(JsonDuplicateNameError);
      return false;
    }
  };

  it.each([
    '{"action":"buy","action":"sell"}',
    '{"a":{"sl":1,"sl":2}}',
    '{"legs":[{"q":1},{"q":1,"q":2}]}',
    '{"a":1,"\\u0061":2}',
    '{"__proto__":1,"__proto__":2}',
    '[[{"x":{"y":{"z":1,"z":1}}}]]',
  ])('refuses %s', (text) => {
    expect(unique(text)).toBe(false);
  });

  it.each([
    '{"a":{"x":1},"b":{"x":2},"x":3}',
    '{"url":"http://x:1/a","t":"12:00:00"}',
    '[{"a":1},{"a":1}]',
    '{}',
    '"a:b"',
    '[1,2,3]',
    '{"__proto__":{"polluted":1},"constructor":1}',
  ])('accepts %s', (text) => {
    expect(unique(text)).toBe(true);
  });

  it('agrees with a count of every member written, on every JSON document (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, pretty) => {
        expect(unique(JSON.stringify(value, null, pretty ? 2 : undefined))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
