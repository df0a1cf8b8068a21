import { EVENT_SCHEMAS, isEventSchemaVersion } from './event-schemas';
import { derivedEventId, rawEventId } from './event-id';
import { EventValidator } from './event-validator';
import { DlqEventV1, NormalizedEventV1, RawEventV1, Schemas, ValidationIssue } from './events';
import type { JsonSchema } from './json-schema';
import { normalizedEventOf } from './normalized-event';
import { Subjects } from './subjects';

/**
 * Every key of T, marked required or optional. An object literal of this type must list exactly
 * the type's keys, each marked right, or it does not compile: the TypeScript side of the check.
 */
type Presence<T> = { [K in keyof T]-?: object extends Pick<T, K> ? 'optional' : 'required' };

const RAW: Presence<RawEventV1> = {
  schema: 'required',
  event_id: 'required',
  corr_id: 'required',
  source: 'required',
  received_at: 'required',
  content_type: 'required',
  body: 'required',
  body_base64: 'optional',
  idempotency_key: 'required',
};
const NORMALIZED: Presence<NormalizedEventV1> = {
  schema: 'required',
  event_id: 'required',
  raw_event_id: 'required',
  corr_id: 'required',
  source: 'required',
  received_at: 'required',
  instrument: 'required',
  exchange: 'required',
  action: 'required',
  price: 'required',
  quantity: 'required',
  timeframe: 'required',
  strategy: 'required',
  signal_time: 'required',
  extra: 'required',
};
const DLQ: Presence<DlqEventV1> = {
  schema: 'required',
  raw_event_id: 'required',
  corr_id: 'required',
  source: 'required',
  errors: 'required',
  received_at: 'required',
};
const ISSUE: Presence<ValidationIssue> = { field: 'required', message: 'required' };

const v1 = EVENT_SCHEMAS.v1;
const validator = new EventValidator('v1');

const rawEvent: RawEventV1 = {
  schema: Schemas.raw,
  event_id: rawEventId('tradingview', 'tv-1'),
  corr_id: 'corr-1',
  source: 'tradingview',
  received_at: '2026-11-27T12:00:00.123Z',
  content_type: 'application/json',
  body: '{"ticker":"BTCUSDT","action":"buy"}',
  idempotency_key: 'tv-1',
};
const normalizedEvent: NormalizedEventV1 = normalizedEventOf(rawEvent, {
  instrument: 'BTCUSDT',
  exchange: null,
  action: 'buy',
  price: 64123.5,
  quantity: null,
  timeframe: '15',
  strategy: null,
  signal_time: '2026-11-27T12:00:00+02:00',
  extra: { note: 'x', nested: { any: ['thing'] } },
});
const dlqEvent: DlqEventV1 = {
  schema: Schemas.dlq,
  raw_event_id: rawEvent.event_id,
  corr_id: 'corr-1',
  source: 'tradingview',
  errors: [{ field: 'ticker', message: 'is required' }],
  received_at: rawEvent.received_at,
};

/** The sub-schema at a path of keywords and names. */
function at(schema: JsonSchema, ...path: string[]): JsonSchema {
  return path.reduce((node, key) => node[key] as JsonSchema, schema);
}

function presenceOf(schema: JsonSchema): Record<string, 'required' | 'optional'> {
  const required = new Set(schema.required as string[]);
  return Object.fromEntries(
    Object.keys(at(schema, 'properties')).map((key) => [key, required.has(key) ? 'required' : 'optional']),
  );
}

describe('event schemas (libs/contracts/schemas) against the TypeScript types', () => {
  it.each([
    ['signals.raw.v1', v1[Subjects.raw], RAW],
    ['signals.normalized.v1', v1[Subjects.normalized], NORMALIZED],
    ['signals.dlq.v1', v1[Subjects.dlq], DLQ],
    ['signals.dlq.v1 errors[]', at(v1[Subjects.dlq], 'properties', 'errors', 'items'), ISSUE],
  ])(
    '%s declares exactly the fields of its type, required where the type requires them',
    (_, schema, keys) => {
      expect(presenceOf(schema)).toEqual(keys);
    },
  );

  it.each([
    ['signals.raw', Subjects.raw, rawEvent],
    ['signals.normalized', Subjects.normalized, normalizedEvent],
    ['signals.dlq', Subjects.dlq, dlqEvent],
  ])('an event typed as the %s type validates, with no undeclared property', (_, subject, event) => {
    expect(validator.check(subject, event, { exact: true })).toEqual({ ok: true });
  });

  it('names each schema after the value of its `schema` field', () => {
    expect(at(v1[Subjects.raw], 'properties', 'schema').const).toBe(Schemas.raw);
    expect(at(v1[Subjects.normalized], 'properties', 'schema').const).toBe(Schemas.normalized);
    expect(at(v1[Subjects.dlq], 'properties', 'schema').const).toBe(Schemas.dlq);
  });
});

describe('EventValidator', () => {
  const fieldsOf = (subject: string, event: unknown, exact = false): string[] => {
    const check = validator.check(subject, event, { exact });
    return check.ok ? [] : check.errors.map((e) => e.field);
  };

  it.each([
    ['a price sent as text', { price: '64123.5' }, ['price']],
    ['an action outside buy/sell/close', { action: 'hold' }, ['action']],
    ['an empty instrument', { instrument: '' }, ['instrument']],
    ['a negative quantity', { quantity: -1 }, ['quantity']],
    ['a signal_time that is no RFC 3339 time', { signal_time: '2026-02-31T00:00:00Z' }, ['signal_time']],
    ['an event_id that is no UUID', { event_id: 'abc' }, ['event_id']],
    ['another schema', { schema: 'signals.normalized.v2' }, ['schema']],
    ['extra that is not an object', { extra: [] }, ['extra']],
  ])('refuses a normalized event with %s', (_, change, fields) => {
    expect(fieldsOf(Subjects.normalized, { ...normalizedEvent, ...change })).toEqual(fields);
  });

  it('names a missing field', () => {
    const event: Partial<NormalizedEventV1> = { ...normalizedEvent };
    delete event.instrument;
    expect(validator.check(Subjects.normalized, event)).toEqual({
      ok: false,
      errors: [{ field: 'instrument', message: 'is required' }],
    });
  });

  it('refuses a DLQ entry without errors, and errors without a message', () => {
    expect(fieldsOf(Subjects.dlq, { ...dlqEvent, errors: [] })).toEqual(['errors']);
    expect(fieldsOf(Subjects.dlq, { ...dlqEvent, errors: [{ field: 'x' }] })).toEqual(['errors.0.message']);
  });

  it('lets consumers read events with properties added later, and tells producers about them', () => {
    const grown = { ...normalizedEvent, venue_id: 7, extra: { free: 'form' } };
    expect(validator.check(Subjects.normalized, grown)).toEqual({ ok: true });
    expect(fieldsOf(Subjects.normalized, grown, true)).toEqual(['venue_id']);
  });

  it('refuses a subject that carries no events', () => {
    expect(fieldsOf('signals.other', normalizedEvent)).toEqual(['subject']);
  });

  it('refuses what is not an object at all', () => {
    expect(fieldsOf(Subjects.raw, 'text')).toEqual(['event']);
  });

  it('gives the normalized event the id the gateway derives from the raw one', () => {
    expect(normalizedEvent.event_id).toBe(derivedEventId(rawEvent.event_id, 'normalized'));
    expect(normalizedEvent).toMatchObject({ raw_event_id: rawEvent.event_id, corr_id: 'corr-1' });
  });
});

describe('isEventSchemaVersion', () => {
  it('knows v1 and nothing else yet', () => {
    expect(['v1', 'v2', 'V1', ''].filter(isEventSchemaVersion)).toEqual(['v1']);
  });
});
