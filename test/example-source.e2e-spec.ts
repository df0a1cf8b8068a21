import { ExampleSourceModule } from '@gateway/sources-example';
import { SOURCE_MODULES } from '@gateway/sources-catalog';
import { exampleAlert } from './support/example-alert';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert, sendSigned } from './support/signing';
import { StreamReader } from './support/stream';

// docs/adding-a-source.md, proven: libs/sources/example is built like any source (a module, a
// payload schema, a normalizer, an auth profile) and served once the app's list names it.
const STREAM = 'e2e-example-source';

describe('a source added as one folder and one line in the list of sources', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let stream: StreamReader;

  const send = (route: string, body: string, headers: Record<string, string> = {}) =>
    sendSigned(gateway.url, route, body, headers);

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway(
      { NATS_URL: nats.url, NATS_STREAM: STREAM, ALLOWED_SOURCES: 'tradingview,example' },
      [...SOURCE_MODULES, ExampleSourceModule],
    ).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it('202: its payload is normalized and both events are stored', async () => {
    const body = exampleAlert({}, { desk: 'eu' });
    const reply = await send('example', body);

    expect(reply.status).toBe(202);
    const stored = await stream.about(reply.json.event_id);
    expect(stored.map((m) => m.subject).sort()).toEqual(['signals.normalized', 'signals.raw']);
    expect(stored.find((m) => m.subject === 'signals.raw')?.data).toMatchObject({ source: 'example', body });
    expect(stored.find((m) => m.subject === 'signals.normalized')?.data).toMatchObject({
      schema: 'signals.normalized.v1',
      source: 'example',
      instrument: 'ETHUSDT',
      exchange: 'BINANCE',
      action: 'buy',
      price: 3010.5,
      quantity: 2,
      timeframe: null,
      strategy: 'breakout',
      signal_time: '2026-11-27T12:00:00Z',
      extra: { desk: 'eu' },
    });
  });

  it('200 duplicate: its payload id is the idempotency key, as for every source', async () => {
    const body = exampleAlert();
    const first = await send('example', body);
    const again = await send('example', body);

    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: 'duplicate', event_id: first.json.event_id });
  });

  it('422: its payload schema is enforced, every violation named by its path', async () => {
    const reply = await send('example', exampleAlert({ size: '2', symbol: undefined, note: 'x' }));

    expect(reply.status).toBe(422);
    expect(reply.json.code).toBe('schema_validation_failed');
    expect(reply.json.errors).toEqual(
      expect.arrayContaining([
        { field: 'signal.symbol', message: 'is required' },
        { field: 'signal.size', message: 'must be a number' },
        { field: 'signal.note', message: 'is not allowed' },
      ]),
    );
    expect(reply.json.errors).toHaveLength(3);
    const stored = await stream.about(reply.json.raw_event_id);
    expect(stored.map((m) => m.subject).sort()).toEqual(['signals.dlq', 'signals.raw']);
  });

  it('422: what its normalizer refuses is dead-lettered too', async () => {
    const reply = await send('example', exampleAlert({ side: 'exit' }));

    expect(reply.status).toBe(422);
    expect(reply.json.errors).toEqual([
      { field: 'signal.side', message: 'must be one of long, short, flat' },
    ]);
  });

  it('its auth profile (hmac) is applied: 401 without a valid signature', async () => {
    const reply = await send('example', exampleAlert(), signed('not-the-secret', 'x'));

    expect(reply.status).toBe(401);
    expect(reply.json.code).toBe('invalid_signature');
  });

  it('415 for a media type it does not declare', async () => {
    const reply = await send('example', exampleAlert(), { 'content-type': 'text/plain' });

    expect(reply.status).toBe(415);
  });

  it('400: no custom payload can speak for it, so its events come from its own route only', async () => {
    const body = JSON.stringify({ source: 'example', instrument: 'ETHUSDT', action: 'buy' });
    const reply = await send('custom', body);

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      code: 'invalid_source',
      detail: '"example" has its own route: /webhooks/example',
    });
  });

  it('the sources already listed are served as before', async () => {
    expect((await send('tradingview', tradingViewAlert())).status).toBe(202);
  });
});

describe('a source folder that the list of sources does not name', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      ALLOWED_SOURCES: 'example',
    }).start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  it('is not served: 404', async () => {
    const body = exampleAlert();
    const reply = await post(`${gateway.url}/webhooks/example`, body, {
      'content-type': 'application/json',
      ...signed(SECRET, body),
    });

    expect(reply.status).toBe(404);
    expect(reply.json.code).toBe('not_found');
  });
});
