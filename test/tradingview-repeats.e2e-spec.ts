import { SOURCE_MODULES } from '@gateway/sources-catalog';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadReplayConfig } from '../apps/dlq-replay/src/config/replay-config';
import { replayDeadLetters } from '../apps/dlq-replay/src/replay';
import { TestGateway } from './support/gateway';
import { metricValue } from './support/keyed-sender';
import { TestNatsServer } from './support/nats-server';
import { post } from './support/signing';
import { StreamReader } from './support/stream';

// TradingView sends no id and cannot sign: with the token profile a source's policy may name the
// payload fields that make one signal (dedupe) and how old a signal it takes (max_age). The
// alerts are the fixtures' real TradingView shapes, their placeholders expanded as TradingView
// expands them: {{time}} is the bar's opening time, the same for every alert on that bar, and
// {{timenow}} the moment the alert fired.
const STREAM = 'e2e-tradingview-repeats';
const PASSPHRASE = 'tv-pass-repeats-8d31';
const TRADINGVIEW_ADDRESS = '52.89.214.238';
const DEDUPE = 'strategy|ticker|interval|action|order_id|bar';
const MAX_AGE_SEC = 60;

interface Fixture {
  name: string;
  body: Record<string, unknown>;
}
const FIXTURES = JSON.parse(
  readFileSync(join(__dirname, '../libs/sources/tradingview/fixtures/tradingview-alerts.json'), 'utf8'),
) as { cases: Fixture[] };
const STRATEGY_ENTRY = FIXTURES.cases.find((c) => c.name.startsWith('strategy entry'))!.body;

/**
 * The fixture's strategy entry as the template the docs recommend renders it: no id, the bar's
 * time ({{time}}) as `bar`, the firing time ({{timenow}}) as `time`, the signal time.
 */
function entryAlert(bar: Date, firedAt: Date, over: Record<string, unknown> = {}): string {
  const alert = { ...STRATEGY_ENTRY };
  for (const field of ['id', 'time', 'timenow']) delete alert[field];
  return JSON.stringify({
    ...alert,
    bar: whole(bar),
    time: whole(firedAt),
    passphrase: PASSPHRASE,
    ...over,
  });
}

/** TradingView's time format: RFC 3339 UTC to the second. */
const whole = (at: Date): string => `${at.toISOString().slice(0, 19)}Z`;
const secondsAgo = (s: number): Date => new Date(Date.now() - s * 1000);

describe('TradingView repeats and stale alerts (SOURCE_POLICY dedupe and max_age)', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let stream: StreamReader;

  const send = (body: string) =>
    post(`${gateway.url}/webhooks/tradingview`, body, {
      'content-type': 'application/json',
      'x-forwarded-for': TRADINGVIEW_ADDRESS,
    });

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      ALLOWED_SOURCES: 'tradingview',
      TRADINGVIEW_AUTH: 'token',
      TRADINGVIEW_PASSPHRASE: PASSPHRASE,
      TRUST_PROXY: 'loopback',
      SOURCE_POLICY: `tradingview:dedupe=${DEDUPE},max_age=${MAX_AGE_SEC}`,
    }).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it('one bar fired twice (a second alert, seconds later, another price) is one event: 200 with the first event_id', async () => {
    const bar = secondsAgo(40);
    const first = await send(entryAlert(bar, secondsAgo(3)));
    const repeat = await send(entryAlert(bar, secondsAgo(1), { price: '64130.00' }));

    expect(first.status).toBe(202);
    expect(repeat.status).toBe(200);
    expect(repeat.json).toMatchObject({ status: 'duplicate', event_id: first.json.event_id });
    const stored = await stream.about(first.json.event_id);
    expect(stored.map((m) => m.subject).sort()).toEqual(['signals.normalized', 'signals.raw']);
    expect(stored.find((m) => m.subject === 'signals.normalized')?.data).toMatchObject({ price: 64123.51 });
  });

  it('the next bar, or the other side of the same bar, is a signal of its own', async () => {
    const bar = secondsAgo(30);
    const first = await send(entryAlert(bar, secondsAgo(2)));
    const nextBar = await send(entryAlert(new Date(bar.getTime() + 15 * 60_000), secondsAgo(1)));
    const exit = await send(entryAlert(bar, secondsAgo(1), { action: 'sell', order_id: 'Long Exit' }));

    expect([first.status, nextBar.status, exit.status]).toEqual([202, 202, 202]);
    expect(new Set([first.json.event_id, nextBar.json.event_id, exit.json.event_id]).size).toBe(3);
  });

  it('an alert without one of the fields is never folded into another: it keeps its body hash', async () => {
    const bar = secondsAgo(20);
    const withoutBar = (price: string) => {
      const alert = JSON.parse(entryAlert(bar, secondsAgo(1), { price })) as Record<string, unknown>;
      delete alert.bar;
      return JSON.stringify(alert);
    };

    expect((await send(withoutBar('64000.00'))).status).toBe(202);
    expect((await send(withoutBar('64001.00'))).status).toBe(202);
  });

  it(`422 signal_stale past max_age (${MAX_AGE_SEC} s): the raw alert kept, dead-lettered, nothing normalized`, async () => {
    const reply = await send(entryAlert(secondsAgo(200), secondsAgo(MAX_AGE_SEC + 30)));

    expect(reply.status).toBe(422);
    expect(reply.json.code).toBe('signal_stale');
    const stored = await stream.about(reply.json.raw_event_id);
    expect(stored.map((m) => m.subject).sort()).toEqual(['signals.dlq', 'signals.raw']);
    expect(stored.find((m) => m.subject === 'signals.dlq')?.data).toMatchObject({
      errors: [{ field: 'signal_time', message: expect.stringMatching(/^signal_stale: /) }],
    });

    // Its payload is fine, its moment has passed: the DLQ replay keeps it dead.
    const config = loadReplayConfig({ NATS_URL: nats.url, NATS_STREAM: STREAM, LOG_LEVEL: 'silent' }, false);
    expect(await replayDeadLetters(config, SOURCE_MODULES)).toMatchObject({
      recovered: 0,
      by_reason: { signal_stale: 1 },
    });
    expect((await stream.about(reply.json.raw_event_id)).map((m) => m.subject).sort()).toEqual([
      'signals.dlq',
      'signals.raw',
    ]);
  });

  it('measures every signal age at receipt: gateway_signal_age_seconds{source="tradingview"}', async () => {
    const labels = { source: 'tradingview' };
    const count = () => metricValue(gateway.url, 'gateway_signal_age_seconds_count', labels);
    const upTo = (le: string) =>
      metricValue(gateway.url, 'gateway_signal_age_seconds_bucket', { ...labels, le });
    const [before, youngBefore] = [await count(), await upTo('10')];

    expect((await send(entryAlert(secondsAgo(10), secondsAgo(2)))).status).toBe(202);
    expect((await send(entryAlert(secondsAgo(70), secondsAgo(45)))).status).toBe(202);

    expect(await count()).toBe(before + 2);
    expect(await upTo('10')).toBe(youngBefore + 1); // 2 s old, not 45 s
  });
});
