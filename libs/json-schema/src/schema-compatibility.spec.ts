import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSchema } from '@gateway/contracts';
import { breakingChanges } from './schema-compatibility';

// The event schemas are files of the contracts library, committed beside their frozen copies.
const SCHEMAS = join(__dirname, '../../contracts/schemas');
const RELEASED = join(SCHEMAS, 'released');
/** A schema as the edits below see it: properties and required present, all else anything. */
interface Schema extends JsonSchema {
  properties: Record<string, Schema>;
  required: string[];
  items: Schema;
  enum: unknown[];
}

const leaf = (keywords: JsonSchema): Schema => keywords as Schema;
const read = (path: string): Schema => JSON.parse(readFileSync(path, 'utf8')) as Schema;
const released = readdirSync(RELEASED).filter((f) => f.endsWith('.json'));

describe('event schemas stay compatible with their released versions', () => {
  it('has a frozen copy of every released schema', () => {
    expect(released.sort()).toEqual([
      'signals.dlq.v1.json',
      'signals.normalized.v1.json',
      'signals.raw.v1.json',
    ]);
  });

  it.each(released)('%s: the current schema breaks no consumer of the released one', (file) => {
    expect(breakingChanges(read(join(RELEASED, file)), read(join(SCHEMAS, file)))).toEqual([]);
  });
});

describe('breakingChanges', () => {
  const base = read(join(RELEASED, 'signals.normalized.v1.json'));
  const edit = (change: (schema: Schema) => void): Schema => {
    const copy = structuredClone(base);
    change(copy);
    return copy;
  };

  it.each<[string, (s: Schema) => void, RegExp]>([
    [
      'a required field removed',
      (s) => {
        delete s.properties.price;
        s.required = s.required.filter((r) => r !== 'price');
      },
      /price: removed/,
    ],
    [
      'a required field made optional',
      (s) => (s.required = s.required.filter((r) => r !== 'price')),
      /price is no longer required/,
    ],
    [
      'a type changed',
      (s) => (s.properties.price.type = ['string', 'null']),
      /\/properties\/price: type changed/,
    ],
    [
      'a type narrowed (old events may hold null)',
      (s) => (s.properties.exchange.type = 'string'),
      /exchange: type changed/,
    ],
    [
      'a type widened',
      (s) => (s.properties.instrument.type = ['string', 'null']),
      /instrument: type changed/,
    ],
    ['an enum value added', (s) => s.properties.action.enum.push('hold'), /action: enum changed/],
    ['a format added', (s) => (s.properties.corr_id.format = 'uuid'), /corr_id: format changed/],
    [
      'a new required field',
      (s) => {
        s.properties.venue = leaf({ type: 'string' });
        s.required.push('venue');
      },
      /venue is newly required/,
    ],
    [
      'additionalProperties tightened',
      (s) => (s.additionalProperties = false),
      /additionalProperties: tightened/,
    ],
    [
      'additionalProperties constrained',
      (s) => (s.additionalProperties = { type: 'string' }),
      /additionalProperties: tightened/,
    ],
    [
      'a nested constraint added',
      (s) => (s.properties.extra.maxProperties = 10),
      /extra: maxProperties changed/,
    ],
  ])('reports %s', (_, change, message) => {
    const problems = breakingChanges(base, edit(change));
    expect(problems).toContainEqual(expect.stringMatching(message));
  });

  it('reports a change inside array items', () => {
    const dlq = read(join(RELEASED, 'signals.dlq.v1.json'));
    const next = structuredClone(dlq);
    next.properties.errors.items.required = ['field'];
    expect(breakingChanges(dlq, next)).toEqual(['/properties/errors/items: message is no longer required']);
  });

  it.each<[string, (s: Schema) => void]>([
    ['an optional field added', (s) => (s.properties.venue = leaf({ type: ['string', 'null'] }))],
    ['a description edited', (s) => (s.properties.price.description = 'the limit price')],
    ['a type list reordered', (s) => (s.properties.price.type = ['null', 'number'])],
    ['additionalProperties spelled out as true', (s) => (s.additionalProperties = true)],
  ])('accepts %s', (_, change) => {
    expect(breakingChanges(base, edit(change))).toEqual([]);
  });

  it('reports adding a property where the released schema forbids unknown ones', () => {
    const closed = edit((s) => (s.additionalProperties = false));
    const grown = structuredClone(closed);
    grown.properties.venue = leaf({ type: 'string' });
    expect(breakingChanges(closed, grown)).toEqual([
      '/properties/venue: added where the released schema forbids unknown properties',
    ]);
  });
});
