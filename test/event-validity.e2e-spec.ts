import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { sendSigned } from './support/signing';
import { StreamReader } from './support/stream';

// Every stored event passes its own JSON Schema, whatever the payload held.
// StreamReader checks each message it reads against its subject's schema and throws on the first
// that fails, so reading back what a request stored is the assertion.
describe('every event valid by construction', () => {
  const STREAM = 'e2e-event-validity';
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let stream: StreamReader;

  const send = (route: string, payload: Record<string, unknown>) =>
    sendSigned(gateway.url, route, JSON.stringify(payload), { 'idempotency-key': randomUUID() });

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      RATE_LIMIT_RPS: '100000',
    }).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it.each([
    ['custom', 'signal_time', 253402300800000],
    ['tradingview', 'time', -62167219201],
    ['tradingview', 'time', 8.64e15],
  ])(
    '/webhooks/%s with %s %p: 422 naming the field, and only valid events stored',
    async (route, field, value) => {
      const mark = await stream.lastSeq();
      const payload = {
        source: 'acme-bot',
        instrument: 'BTCUSDT',
        ticker: 'BTCUSDT',
        action: 'buy',
        [field]: value,
      };
      const reply = await send(route, payload);

      expect(reply.status).toBe(422);
      expect(reply.json.errors).toEqual([{ field, message: 'must be a time within the years 0000 to 9999' }]);
      expect((await stream.after(mark)).map((m) => m.subject).sort()).toEqual(['signals.dlq', 'signals.raw']);
    },
  );

  // ---- the property: random payloads through the real gateway, every stored event valid ----

  const extremeNumber = fc.oneof(
    fc.double({ noNaN: true }),
    fc.integer({ min: -9e15, max: 9e15 }),
    fc.constantFrom(253402300800000, 253402300799999, -62167219200, -62167219201, 8.64e15, 1e11, -0, 1e308),
  );
  const scalar = fc.oneof(
    extremeNumber,
    extremeNumber.map(String),
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('', ' ', '{{close}}', 'buy', 'SELL', 'long', 'exit', '2026-02-31T00:00:00Z', null, true),
  );
  const value = fc.oneof(
    { weight: 6, arbitrary: scalar },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
  const fields = {
    custom: ['instrument', 'exchange', 'action', 'price', 'quantity', 'timeframe', 'strategy', 'signal_time'],
    tradingview: [
      ...['ticker', 'symbol', 'exchange', 'action', 'side', 'order_action', 'contracts', 'quantity', 'qty'],
      ...['size', 'price', 'close', 'interval', 'timeframe', 'strategy', 'time', 'timenow'],
    ],
  };
  const payloadOf = (route: 'custom' | 'tradingview') =>
    fc
      .tuple(
        fc.record({
          action: fc.constantFrom('buy', 'sell', 'close'),
          instrument: fc.constantFrom('BTCUSDT', 'X'),
        }),
        fc.dictionary(fc.constantFrom(...fields[route]), value, { maxKeys: 8 }),
        fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      )
      .map(([base, canonical, extra]) => ({
        ...extra,
        ...base,
        ticker: base.instrument,
        ...canonical,
        source: 'acme-bot',
      }));

  it('stores only events that pass their JSON Schema, for random payloads on every route', async () => {
    const routeAndPayload = fc.oneof(
      payloadOf('custom').map((p) => ['custom', p] as const),
      payloadOf('tradingview').map((p) => ['tradingview', p] as const),
    );
    await fc.assert(
      fc.asyncProperty(routeAndPayload, async ([route, payload]) => {
        const mark = await stream.lastSeq();
        const reply = await send(route, payload);
        expect([202, 422]).toContain(reply.status);
        if (reply.status === 422) {
          for (const issue of reply.json.errors as { field: string }[]) expect(issue.field).not.toBe('');
        }
        const stored = await stream.after(mark); // throws when one of them fails its schema
        expect(stored).toHaveLength(2);
      }),
      { numRuns: 300 },
    );
  });
});
