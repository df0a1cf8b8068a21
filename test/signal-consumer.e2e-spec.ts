import { derivedEventId } from '@gateway/contracts';
import { randomUUID } from 'node:crypto';
import { connect, headers, NatsConnection } from 'nats';
import { ConsumerProcess } from './support/consumer-process';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';
import { waitForQuiet } from './support/wait-for';

// The reference consumer (apps/signal-consumer), built and run as its own process, behind the
// real gateway: what it logs is what an agent copying it would see.
describe('the reference consumer of signals.normalized', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let consumer: ConsumerProcess;
  let nc: NatsConnection;

  const sendAlert = async (over: Record<string, unknown> = {}, corrId = `corr-${randomUUID()}`) => {
    const body = tradingViewAlert(over);
    const reply = await post(`${gateway.url}/webhooks/tradingview`, body, {
      'content-type': 'application/json',
      'x-correlation-id': corrId,
      ...signed(SECRET, body),
    });
    expect(reply.status).toBe(202);
    return { eventId: derivedEventId(reply.json.event_id as string, 'normalized'), corrId };
  };
  const received = (eventId: string) => (l: Record<string, unknown>) =>
    l.msg === 'signal received' && l.event_id === eventId;
  const consumerEnv = () => ({ NATS_URL: nats.url, LOG_LEVEL: 'debug' });

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({ NATS_URL: nats.url, NATS_STREAM: 'e2e-consumer' }).start();
    consumer = await new ConsumerProcess(consumerEnv()).start();
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await consumer?.stop();
    await gateway?.stop();
    await nats?.dispose();
  });

  it('logs each signal the gateway accepts, with its ids and canonical fields', async () => {
    const { eventId, corrId } = await sendAlert({ interval: '15', strategy: 'EMA' });

    const [line] = await consumer.until(received(eventId));
    expect(line).toMatchObject({
      level: 'info',
      service: 'at-signal-consumer',
      corr_id: corrId,
      source: 'tradingview',
      instrument: 'BTCUSDT',
      exchange: 'BINANCE',
      action: 'buy',
      price: 64123.5,
      quantity: 0.5,
      timeframe: '15',
      strategy: 'EMA',
    });
  });

  it('rejects an event that breaks the schema, naming the fields, and keeps consuming', async () => {
    const h = headers();
    h.set('X-Correlation-Id', 'corr-broken');
    nc.publish('signals.normalized', JSON.stringify({ schema: 'signals.normalized.v1', price: '1' }), {
      headers: h,
    });
    nc.publish('signals.normalized', 'not json at all');

    const [broken] = await consumer.until((l) => l.msg === 'signal rejected' && l.corr_id === 'corr-broken');
    expect(broken.level).toBe('warn');
    expect(broken.errors).toEqual(
      expect.arrayContaining([
        { field: 'instrument', message: 'is required' },
        { field: 'price', message: 'must be a number or null' },
      ]),
    );
    await consumer.until(
      (l) => l.msg === 'signal rejected' && JSON.stringify(l.errors).includes('is not JSON'),
    );

    const { eventId } = await sendAlert();
    await consumer.until(received(eventId));
  });

  it('rejects an event of another schema version than the pinned one', async () => {
    const corrId = `corr-${randomUUID()}`;
    const h = headers();
    h.set('X-Correlation-Id', corrId);
    const { eventId } = await sendAlert();
    const [line] = await consumer.until(received(eventId));
    const v2 = { ...line, schema: 'signals.normalized.v2', event_id: randomUUID() };
    nc.publish('signals.normalized', JSON.stringify(v2), { headers: h });

    const [rejected] = await consumer.until((l) => l.msg === 'signal rejected' && l.corr_id === corrId);
    expect(rejected.errors).toEqual(
      expect.arrayContaining([{ field: 'schema', message: 'must be "signals.normalized.v1"' }]),
    );
  });

  it('handles an event published again (a retry, a replay run twice) once', async () => {
    const { eventId } = await sendAlert();
    await consumer.until(received(eventId));
    const stored = await (
      await nc.jetstreamManager()
    ).streams.getMessage('e2e-consumer', {
      last_by_subj: 'signals.normalized',
    });
    expect(stored.json<{ event_id: string }>().event_id).toBe(eventId);
    nc.publish('signals.normalized', stored.data);

    await consumer.until((l) => l.msg === 'signal already handled' && l.event_id === eventId);
    expect(consumer.lines().filter(received(eventId))).toHaveLength(1);
  });

  it('shares events among the replicas of its queue group: each handled by one', async () => {
    const second = await new ConsumerProcess(consumerEnv()).start();
    try {
      const sent = await Promise.all([1, 2, 3, 4, 5, 6].map(() => sendAlert()));
      const ids = sent.map((s) => s.eventId);
      const handled = () =>
        [...consumer.lines(), ...second.lines()].filter(
          (l) => l.msg === 'signal received' && ids.includes(l.event_id as string),
        );
      // Six lines, then a second with no new one: a replica's copy would come within it.
      await waitForQuiet(() => handled().length, { atLeast: ids.length, quietMs: 1000 });

      // Without the queue group each replica would handle every event: twelve lines, not six.
      expect(
        handled()
          .map((l) => l.event_id)
          .sort(),
      ).toEqual([...ids].sort());
    } finally {
      await second.stop();
    }
  });

  it('refuses an EVENT_SCHEMA_VERSION it does not know, with one line naming it', async () => {
    const misconfigured = await new ConsumerProcess({ ...consumerEnv(), EVENT_SCHEMA_VERSION: 'v9' }).start();

    expect(await misconfigured.exited).toBe(1);
    expect(misconfigured.text.trim().split('\n')).toEqual([expect.stringContaining('EVENT_SCHEMA_VERSION')]);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    consumer.signal('SIGTERM');
    expect(await consumer.exited).toBe(0);
  });
});
