import { EVENT_SCHEMAS, isEventSchemaVersion } from './event-schemas';
import { derivedEventId, rawEventId } from './event-id';
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

  it('names each schema after the value of its `schema` field', () => {
    expect(at(v1[Subjects.raw], 'properties', 'schema').const).toBe(Schemas.raw);
    expect(at(v1[Subjects.normalized], 'properties', 'schema').const).toBe(Schemas.normalized);
    expect(at(v1[Subjects.dlq], 'properties', 'schema').const).toBe(Schemas.dlq);
  });
});

describe('normalizedEventOf', () => {
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
