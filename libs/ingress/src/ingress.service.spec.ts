import {
  EventTooLargeError,
  type NormalizationResult,
  ProblemException,
  rawEventId,
  StoreUnavailableError,
  Subjects,
} from '@gateway/contracts';
import { type NormalizedWebhook } from '@gateway/webhook';
import { InMemoryEventPublisher, specSignal, specSource, webhookRequest } from '@gateway/testing';
import { SourcePolicies, type SourcePolicy, uniformPolicy } from '@gateway/security';
import { Histogram } from 'prom-client';
import { IngressService } from './ingress.service';
import { SignalFreshness } from './signal-freshness';

const SIGNAL = specSignal({ price: 64123.5, quantity: 0.5 });
const ERRORS = [{ field: 'action', message: 'is required' }];
const VALID: NormalizationResult = { ok: true, signal: SIGNAL };
const INVALID: NormalizationResult = { ok: false, errors: ERRORS };
const POLICY: SourcePolicy = {
  rate: 50,
  burst: 500,
  maxWaitMs: 700,
  inFlight: 1000,
  priority: 'critical',
  scope: 'replica',
};

describe('IngressService', () => {
  let publisher: InMemoryEventPublisher;
  let service: IngressService;

  beforeEach(() => {
    publisher = new InMemoryEventPublisher();
    service = serviceWith(POLICY);
  });

  function serviceWith(policy: SourcePolicy): IngressService {
    const policies = new SourcePolicies({ policy: uniformPolicy(['acme-bot'], policy) });
    const ages = new Histogram({ name: 'ages', help: 'ages', labelNames: ['source'], registers: [] });
    return new IngressService(publisher, policies, new SignalFreshness(ages, policies));
  }

  /** A webhook past every gate, as the normalization pipe hands it over. */
  function normalized(
    result: NormalizationResult,
    body = '{"id":"alert-1","passphrase":"pp"}',
    redelivery = false,
  ): NormalizedWebhook {
    const adapter = specSource({ route: 'bot', secretFields: ['passphrase'] });
    const { webhook } = webhookRequest({ servedBy: adapter, body });
    return { webhook, adapter, auth: { nonce: 'nonce-1' }, sourceId: 'acme-bot', redelivery, result };
  }

  it('accepts a valid payload: the raw and the normalized event stored, 202 with the raw event id', async () => {
    const reply = await service.ingest(normalized(VALID));
    const eventId = rawEventId('acme-bot', 'alert-1');
    expect(reply).toEqual({ status: 'accepted', event_id: eventId, corr_id: 'corr-spec' });
    const [raw] = publisher.on(Subjects.raw);
    expect(raw).toMatchObject({
      event_id: eventId,
      source: 'acme-bot',
      idempotency_key: 'alert-1',
      body: '{"id":"alert-1"}',
    });
    expect(publisher.on(Subjects.normalized)).toEqual([
      expect.objectContaining({ instrument: 'BTCUSDT', source: 'acme-bot', raw_event_id: eventId }),
    ]);
    expect(publisher.on(Subjects.dlq)).toEqual([]);
  });

  it("publishes in its source's lane of the write buffer (acme-bot is critical here)", async () => {
    await service.ingest(normalized(VALID));
    await expect(service.ingest(normalized(INVALID, '{"id":"alert-2"}'))).rejects.toBeInstanceOf(
      ProblemException,
    );
    expect([...publisher.stored.values()].map((e) => e.priority)).toEqual([
      'critical',
      'critical',
      'critical',
      'critical',
    ]);
  });

  it('answers duplicate (200) with the original id when both events were stored before', async () => {
    const first = await service.ingest(normalized(VALID));
    const again = await service.ingest(normalized(VALID));
    expect(again).toEqual({ ...first, status: 'duplicate' });
    expect(publisher.stored.size).toBe(2);
  });

  it('dead-letters an invalid payload: raw + dlq stored, then 422 naming the errors and the raw event', async () => {
    const failure = await service.ingest(normalized(INVALID)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ProblemException);
    const eventId = rawEventId('acme-bot', 'alert-1');
    expect((failure as ProblemException).problem).toMatchObject({
      status: 422,
      code: 'schema_validation_failed',
      extensions: { errors: ERRORS, raw_event_id: eventId },
    });
    expect(publisher.on(Subjects.raw)).toHaveLength(1);
    expect(publisher.on(Subjects.dlq)).toEqual([
      expect.objectContaining({
        raw_event_id: eventId,
        source: 'acme-bot',
        errors: ERRORS,
      }),
    ]);
    expect(publisher.on(Subjects.normalized)).toEqual([]);
  });

  it.each([
    ['accepted', VALID],
    ['dead-lettered', INVALID],
  ])(
    'fails with StoreUnavailableError when the store is unavailable (%s): a 503, retried',
    async (_, result) => {
      publisher.failWith = new StoreUnavailableError('no ack');
      await expect(service.ingest(normalized(result))).rejects.toBeInstanceOf(StoreUnavailableError);
    },
  );

  it('fails with EventTooLargeError for an event past max_payload: a retry would be refused the same way', async () => {
    publisher.maxEventBytes = 10;
    await expect(service.ingest(normalized(VALID))).rejects.toBeInstanceOf(EventTooLargeError);
  });

  it.each<[string, NormalizationResult]>([
    ['accepted', { ok: true, signal: specSignal({ extra: { pad: 'x'.repeat(5000) } }) }],
    ['dead-lettered', { ok: false, errors: [{ field: 'pad', message: 'x'.repeat(5000) }] }],
  ])('stores nothing when one event of the pair is too large (%s): all or nothing', async (_, result) => {
    publisher.maxEventBytes = 3000; // the raw event (a short body) fits, its partner does not
    await expect(service.ingest(normalized(result))).rejects.toBeInstanceOf(EventTooLargeError);
    expect(publisher.stored.size).toBe(0);
  });

  it('422 idempotency_key_reused for the same key with another body, and nothing more stored', async () => {
    await service.ingest(normalized(INVALID, '{"id":"alert-1","v":1}')).catch(() => undefined);
    const reuse = await service
      .ingest(normalized(VALID, '{"id":"alert-1","v":2}'))
      .catch((err: unknown) => err);
    expect((reuse as ProblemException).problem).toMatchObject({
      status: 422,
      code: 'idempotency_key_reused',
    });
    expect(publisher.on(Subjects.normalized)).toEqual([]);
    expect(publisher.stored.size).toBe(2); // the first request's raw event and dead letter
  });

  describe('a redelivery (the very request again under its claimed nonce)', () => {
    it('is 200 duplicate with the original event id once the first delivery stored it', async () => {
      const first = await service.ingest(normalized(VALID));
      expect(await service.ingest(normalized(VALID, undefined, true))).toEqual({
        ...first,
        status: 'duplicate',
      });
      expect(publisher.stored.size).toBe(2);
    });

    it('is 401 replayed_nonce, storing nothing, when the first delivery stored nothing', async () => {
      const failure = await service.ingest(normalized(VALID, undefined, true)).catch((err: unknown) => err);
      expect((failure as ProblemException).problem).toMatchObject({ status: 401, code: 'replayed_nonce' });
      expect(publisher.stored.size).toBe(0);
    });
  });

  describe("a source's dedupe fields", () => {
    const bar = (time: string, price: number) =>
      JSON.stringify({ strategy: 's1', ticker: 'BTCUSDT', action: 'buy', time, price });

    beforeEach(() => {
      service = serviceWith({ ...POLICY, dedupe: ['strategy', 'ticker', 'action', 'time'] });
    });

    it('make one bar fired twice (another price) one event: the repeat is 200 with the first id', async () => {
      const first = await service.ingest(normalized(VALID, bar('2026-12-06T21:00:00Z', 1)));
      const repeat = await service.ingest(normalized(VALID, bar('2026-12-06T21:00:00Z', 2)));
      expect(repeat).toEqual({ ...first, status: 'duplicate' });
      expect(publisher.on(Subjects.raw)).toHaveLength(1);
    });

    it('keep the next bar its own event', async () => {
      const first = await service.ingest(normalized(VALID, bar('2026-12-06T21:00:00Z', 1)));
      const next = await service.ingest(normalized(VALID, bar('2026-12-06T21:01:00Z', 1)));
      expect(next.status).toBe('accepted');
      expect(next.event_id).not.toBe(first.event_id);
    });
  });

  describe("a source's max_age", () => {
    const at = (secondsAgo: number) =>
      specSignal({ signal_time: new Date(Date.now() - secondsAgo * 1000).toISOString() });

    beforeEach(() => {
      service = serviceWith({ ...POLICY, maxAgeSec: 60 });
    });

    it('takes a signal younger than it', async () => {
      expect((await service.ingest(normalized({ ok: true, signal: at(30) }))).status).toBe('accepted');
    });

    it('dead-letters an older one: raw + dlq stored, 422 signal_stale naming the raw event', async () => {
      const failure = await service
        .ingest(normalized({ ok: true, signal: at(90) }))
        .catch((err: unknown) => err);
      expect((failure as ProblemException).problem).toMatchObject({
        status: 422,
        code: 'signal_stale',
        extensions: { raw_event_id: rawEventId('acme-bot', 'alert-1') },
      });
      expect(publisher.on(Subjects.normalized)).toEqual([]);
      expect(publisher.on(Subjects.dlq)).toEqual([
        expect.objectContaining({ errors: [expect.objectContaining({ field: 'signal_time' })] }),
      ]);
    });
  });
});
