import {
  type DlqEventV1,
  normalizedEventOf,
  type NormalizedEventV1,
  rawEventId,
  type RawEventV1,
  Schemas,
  Subjects,
} from '@gateway/contracts';
import { EventValidator } from './event-validator';

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

describe('event schemas (libs/contracts/schemas) against the TypeScript types', () => {
  it.each([
    ['signals.raw', Subjects.raw, rawEvent],
    ['signals.normalized', Subjects.normalized, normalizedEvent],
    ['signals.dlq', Subjects.dlq, dlqEvent],
  ])('an event typed as the %s type validates, with no undeclared property', (_, subject, event) => {
    expect(validator.check(subject, event, { exact: true })).toEqual({ ok: true });
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
});
