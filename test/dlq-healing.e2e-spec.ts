import { derivedEventId, Schemas } from '@gateway/contracts';
import { DlqHealer } from '@gateway/dead-letters';
import { ExampleSourceModule } from '@gateway/sources-example';
import { SOURCE_MODULES, SourceModule } from '@gateway/sources-catalog';
import { randomUUID } from 'node:crypto';
import { connect, headers } from 'nats';
import { loadReplayConfig } from '../apps/dlq-replay/src/config/replay-config';
import { replayDeadLetters } from '../apps/dlq-replay/src/replay';
import { exampleAlert } from './support/example-alert';
import { samplesOf } from './support/exposition';
import { FixedExampleSourceModule } from './support/fixed-example-source';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { post, signed } from './support/signing';
import { StreamReader } from './support/stream';

// Dead letters heal without a person: a payload dead-lettered by one build (its normalizer does
// not know the side word `exit`) is recovered by the next build's gateway as it starts, exactly
// once; what no build recovers stays in signals.dlq, counted. The steps build on each other.
const STREAM = 'e2e-dlq-healing';
const BUILD_1: SourceModule[] = [...SOURCE_MODULES, ExampleSourceModule];
const BUILD_2: SourceModule[] = [...SOURCE_MODULES, FixedExampleSourceModule];

describe('dead letters heal when a build that closes the gap is deployed', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let stream: StreamReader;
  let exitId: string;
  let textId: string;

  const deploy = (revision: string, sources: SourceModule[]) =>
    new TestGateway(
      {
        NATS_URL: nats.url,
        NATS_STREAM: STREAM,
        ALLOWED_SOURCES: 'tradingview,example',
        GIT_REVISION: revision,
        DLQ_HEAL: 'true',
        DLQ_HEAL_MAX_ATTEMPTS: '2',
      },
      sources,
    ).start();
  const send = (route: string, body: string, contentType = 'application/json') =>
    post(`${gateway.url}/webhooks/${route}`, body, { 'content-type': contentType, ...signed(SECRET, body) });
  const normalizedOf = async (rawEventId: string) =>
    (await stream.about(rawEventId)).filter((m) => m.subject === 'signals.normalized');
  /** The healer's counters of this gateway process, as `name{label}` -> value. */
  const healMetrics = async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    return Object.fromEntries(
      samplesOf(text)
        .filter((s) => s.name.startsWith('gateway_dlq_heal_'))
        .map((s) => [`${s.name}{${Object.values(s.labels).join(',')}}`, s.value]),
    );
  };
  const until = async (condition: () => Promise<boolean>) => {
    while (!(await condition())) await new Promise((r) => setTimeout(r, 100));
  };
  const passesCompleted = async () => (await healMetrics())['gateway_dlq_heal_passes_total{completed}'];

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await deploy('build-1', BUILD_1);
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it('build 1: its own healer cannot recover what its normalizer refused; the entries stay, counted', async () => {
    const exit = await send('example', exampleAlert({ side: 'exit' }));
    const text = await send('tradingview', 'BTCUSDT crossed 64000', 'text/plain');
    expect([exit.status, text.status]).toEqual([422, 422]);
    [exitId, textId] = [exit.json.raw_event_id, text.json.raw_event_id];
    // A dead letter whose raw event the stream no longer holds: no build can mend it.
    const nc = await connect({ servers: nats.url });
    const h = headers();
    h.set('Event-Schema', Schemas.dlq);
    h.set('X-Schema', Schemas.dlq);
    const lost = { schema: Schemas.dlq, raw_event_id: randomUUID(), corr_id: 'corr-lost', source: 'example' };
    const entry = { ...lost, errors: [{ field: 'signal.side', message: 'is invalid' }] };
    await nc
      .jetstream()
      .publish('signals.dlq', JSON.stringify({ ...entry, received_at: new Date().toISOString() }), {
        headers: h,
      });
    await nc.close();
    await until(async () => (await passesCompleted()) >= 1);

    // The next scheduled pass (DLQ_HEAL_INTERVAL_SEC), without waiting for it.
    await gateway.get(DlqHealer).runPass();

    expect(await normalizedOf(exitId)).toEqual([]);
    expect(await healMetrics()).toMatchObject({
      'gateway_dlq_heal_total{recovered}': 0,
      'gateway_dlq_heal_total{unrecoverable}': 3,
      'gateway_dlq_heal_given_up_total{raw_event_missing}': 1,
    });
  });

  it('the same build, at its next pass: tries nothing again', async () => {
    await gateway.get(DlqHealer).runPass();

    expect(await healMetrics()).toMatchObject({ 'gateway_dlq_heal_total{unrecoverable}': 3 });
  });

  it('build 2, whose normalizer knows `exit`: recovers the entry as it starts, with no step by anyone', async () => {
    await gateway.stop();
    gateway = await deploy('build-2', BUILD_2);

    await until(async () => (await normalizedOf(exitId)).length > 0);
    const [normalized] = await normalizedOf(exitId);
    const raw = (await stream.about(exitId)).find((m) => m.subject === 'signals.raw')!;
    expect(normalized.data).toMatchObject({
      schema: Schemas.normalized,
      event_id: derivedEventId(exitId, 'normalized'),
      raw_event_id: exitId,
      corr_id: raw.data.corr_id,
      received_at: raw.data.received_at,
      source: 'example',
      action: 'close',
    });
    expect(normalized.headers).toMatchObject({
      'nats-msg-id': derivedEventId(exitId, 'normalized'),
      'event-schema': Schemas.normalized,
    });
    await until(async () => (await passesCompleted()) >= 1);
    expect(await healMetrics()).toMatchObject({
      'gateway_dlq_heal_total{recovered}': 1,
      'gateway_dlq_heal_total{unrecoverable}': 1,
      // The text alert has now failed under two builds: DLQ_HEAL_MAX_ATTEMPTS=2, left to a person.
      'gateway_dlq_heal_given_up_total{still_invalid}': 1,
    });
  });

  it('exactly once: later passes, a restart and the manual replay add nothing', async () => {
    const before = (await stream.all()).length;
    await gateway.get(DlqHealer).runPass();
    await gateway.stop();
    gateway = await deploy('build-2', BUILD_2);
    await until(async () => (await passesCompleted()) >= 1);

    const manual = await replayDeadLetters(
      loadReplayConfig({ NATS_URL: nats.url, NATS_STREAM: STREAM, LOG_LEVEL: 'silent' }),
      BUILD_2,
    );

    expect(await normalizedOf(exitId)).toHaveLength(1);
    expect((await stream.all()).length).toBe(before);
    expect(await healMetrics()).toMatchObject({
      'gateway_dlq_heal_total{recovered}': 0,
      'gateway_dlq_heal_total{already_stored}': 0,
      'gateway_dlq_heal_total{unrecoverable}': 0,
    });
    // What the healer could not recover is still in signals.dlq, for a person and the manual replay.
    expect(manual).toMatchObject({
      entries: 3,
      recovered: 0,
      already_stored: 1,
      unrecoverable: 2,
      by_reason: { still_invalid: 1, raw_event_missing: 1 },
    });
    expect(await normalizedOf(textId)).toEqual([]);
  });
});
