import { derivedEventId, Schemas } from '@gateway/contracts';
import { ExampleSourceModule } from '@gateway/sources-example';
import { SOURCE_MODULES, SourceModule } from '@gateway/sources-catalog';
import { randomUUID } from 'node:crypto';
import { connect, headers } from 'nats';
import { loadReplayConfig } from '../apps/dlq-replay/src/config/replay-config';
import { RawEventFinder } from '@gateway/dead-letters';
import { replayDeadLetters } from '../apps/dlq-replay/src/replay';
import { ReplayNats } from '../apps/dlq-replay/src/replay-nats';
import { exampleAlert } from './support/example-alert';
import { FixedExampleSourceModule } from './support/fixed-example-source';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { runReplayProcess } from './support/replay-process';
import { post, signed } from './support/signing';
import { StreamReader } from './support/stream';

// Dead-letter replay: a payload answered 422 becomes, once its normalizer is fixed, the very
// normalized event a 202 would have stored, exactly once. The steps build on each other.
const STREAM = 'e2e-dlq-replay';
const DEPLOYED: SourceModule[] = [...SOURCE_MODULES, ExampleSourceModule];
const FIXED: SourceModule[] = [...SOURCE_MODULES, FixedExampleSourceModule];

describe('DLQ replay', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let stream: StreamReader;

  const env = (durable = 'e2e-replayer') => ({
    NATS_URL: nats.url,
    NATS_STREAM: STREAM,
    NATS_DURABLE: durable,
    LOG_LEVEL: 'silent',
  });
  const replay = (sources: SourceModule[], { dryRun = false, durable = 'e2e-replayer' } = {}) =>
    replayDeadLetters(loadReplayConfig(env(durable), dryRun), sources);
  const send = (route: string, body: string, contentType = 'application/json') =>
    post(`${gateway.url}/webhooks/${route}`, body, { 'content-type': contentType, ...signed(SECRET, body) });
  const normalizedOf = async (rawEventId: string) =>
    (await stream.about(rawEventId)).filter((m) => m.subject === 'signals.normalized');

  let exitAlert: string;
  let deadId: string;
  let textId: string;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway(
      { NATS_URL: nats.url, NATS_STREAM: STREAM, ALLOWED_SOURCES: 'tradingview,example' },
      DEPLOYED,
    ).start();
    stream = await StreamReader.open(nats.url, STREAM);

    exitAlert = exampleAlert({ side: 'exit' });
    const exit = await send('example', exitAlert);
    const text = await send('tradingview', 'BTCUSDT crossed 64000', 'text/plain');
    expect([exit.status, text.status]).toEqual([422, 422]);
    [deadId, textId] = [exit.json.raw_event_id, text.json.raw_event_id];
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it('before the fix, recovers nothing and reports why each entry stays', async () => {
    const before = (await stream.all()).length;

    expect(await replay(DEPLOYED)).toEqual({
      dry_run: false,
      entries: 2,
      recovered: 0,
      already_stored: 0,
      unrecoverable: 2,
      by_reason: { still_invalid: 2 },
    });
    expect((await stream.all()).length).toBe(before);
  });

  it('a dry run with the fix says what it would recover, and changes nothing', async () => {
    const before = (await stream.all()).length;

    expect(await replay(FIXED, { dryRun: true })).toMatchObject({
      dry_run: true,
      entries: 2,
      recovered: 1,
      unrecoverable: 1,
    });
    expect((await stream.all()).length).toBe(before);
  });

  it('with the fix, publishes the normalized event a 202 would have stored, with its id', async () => {
    expect(await replay(FIXED)).toMatchObject({
      entries: 2,
      recovered: 1,
      already_stored: 0,
      unrecoverable: 1,
    });

    const [normalized] = await normalizedOf(deadId);
    const raw = (await stream.about(deadId)).find((m) => m.subject === 'signals.raw')!;
    expect(await normalizedOf(deadId)).toHaveLength(1);
    expect(normalized.data).toEqual({
      schema: Schemas.normalized,
      event_id: derivedEventId(deadId, 'normalized'),
      raw_event_id: deadId,
      corr_id: raw.data.corr_id,
      source: 'example',
      received_at: raw.data.received_at,
      instrument: 'ETHUSDT',
      exchange: 'BINANCE',
      action: 'close',
      price: 3010.5,
      quantity: 2,
      timeframe: null,
      strategy: 'breakout',
      signal_time: '2026-11-27T12:00:00Z',
      extra: {},
    });
    expect(normalized.headers).toMatchObject({
      'nats-msg-id': derivedEventId(deadId, 'normalized'),
      'x-correlation-id': raw.data.corr_id,
      'x-source': 'example',
      'x-schema': Schemas.normalized,
    });
  });

  it('run again, adds nothing: the recovered entry is done, the other is reported again', async () => {
    const before = (await stream.all()).length;

    expect(await replay(FIXED)).toMatchObject({ entries: 1, recovered: 0, unrecoverable: 1 });
    expect((await stream.all()).length).toBe(before);
    expect(await normalizedOf(textId)).toEqual([]);
  });

  it('even a fresh durable publishes nothing twice: the stream knows the recovered id', async () => {
    const before = (await stream.all()).length;

    expect(await replay(FIXED, { durable: 'e2e-second-replayer' })).toMatchObject({
      entries: 2,
      recovered: 0,
      already_stored: 1,
      unrecoverable: 1,
    });
    expect((await stream.all()).length).toBe(before);
    expect(await normalizedOf(deadId)).toHaveLength(1);
  });

  it('the gateway, once fixed, answers the same payload as a duplicate of the recovered event', async () => {
    await gateway.stop();
    gateway = await new TestGateway(
      { NATS_URL: nats.url, NATS_STREAM: STREAM, ALLOWED_SOURCES: 'tradingview,example' },
      FIXED,
    ).start();

    const reply = await send('example', exitAlert);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ status: 'duplicate', event_id: deadId });
    expect(await normalizedOf(deadId)).toHaveLength(1);
  });

  it('reports an entry whose raw event is gone from the stream', async () => {
    const rawEventId = randomUUID();
    const nc = await connect({ servers: nats.url });
    const h = headers();
    h.set('X-Schema', Schemas.dlq);
    h.set('Event-Schema', Schemas.dlq);
    const entry = {
      schema: Schemas.dlq,
      raw_event_id: rawEventId,
      corr_id: 'corr-lost',
      source: 'example',
      errors: [{ field: 'signal.side', message: 'must be one of long, short, flat' }],
      received_at: new Date().toISOString(),
    };
    await nc.jetstream().publish('signals.dlq', JSON.stringify(entry), { headers: h });
    await nc.close();

    expect(await replay(FIXED)).toMatchObject({
      entries: 2,
      recovered: 0,
      unrecoverable: 2,
      by_reason: { still_invalid: 1, raw_event_missing: 1 },
    });
  });

  it('finds a raw event stored long before its DLQ entry (a retry after a failed DLQ publish)', async () => {
    const replayNats = new ReplayNats(loadReplayConfig(env()));
    await replayNats.onModuleInit();
    try {
      const finder = new RawEventFinder(replayNats);
      const inTwoMinutes = new Date(Date.now() + 120_000);

      expect(await finder.find(deadId, inTwoMinutes)).toMatchObject({ event_id: deadId, source: 'example' });
    } finally {
      await replayNats.onApplicationShutdown();
    }
  });

  describe('the built job (npm run dlq:replay)', () => {
    it('--dry-run: a log line per entry saying why it stays, and a summary; exit 0', async () => {
      const run = await runReplayProcess({ ...env('e2e-process-replayer'), LOG_LEVEL: 'info' }, [
        '--dry-run',
      ]);

      expect(run.code).toBe(0);
      const unrecoverable = run.lines.filter((l) => l.msg === 'dead letter unrecoverable');
      expect(unrecoverable).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            level: 'warn',
            raw_event_id: textId,
            source: 'tradingview',
            reason: 'still_invalid',
            errors: [{ field: 'body', message: 'is plain text, not JSON: a signal is a JSON object' }],
          }),
          // The built job runs the gateway's own list of sources, which does not name the example.
          expect.objectContaining({ raw_event_id: deadId, source: 'example', reason: 'unknown_source' }),
        ]),
      );
      expect(run.lines.find((l) => l.msg === 'dlq replay finished')).toMatchObject({
        dry_run: true,
        recovered: 0,
        unrecoverable: unrecoverable.length,
      });
    });

    it('refuses an unknown EVENT_SCHEMA_VERSION with one line naming it; exit 1', async () => {
      const run = await runReplayProcess({ ...env(), EVENT_SCHEMA_VERSION: 'v2' });

      expect(run.code).toBe(1);
      expect(run.output.trim().split('\n')).toEqual([expect.stringContaining('EVENT_SCHEMA_VERSION')]);
    });

    it('exits 1 naming the stream when NATS_STREAM does not exist', async () => {
      const run = await runReplayProcess({ ...env(), NATS_STREAM: 'no-such-stream' });

      expect(run.code).toBe(1);
      expect(run.output).toContain('at-dlq-replay: stream no-such-stream does not exist (NATS_STREAM)');
    });

    it('exits 1 with a line saying why when NATS cannot be reached', async () => {
      const run = await runReplayProcess({ NATS_URL: 'nats://127.0.0.1:1', LOG_LEVEL: 'silent' });

      expect(run.code).toBe(1);
      expect(run.output).toMatch(/at-dlq-replay: .*CONNECTION_REFUSED/);
    });
  });
});
