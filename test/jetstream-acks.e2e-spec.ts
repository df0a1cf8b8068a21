import { connect, headers, NatsConnection } from 'nats';
import { JetStreamAcks, JetStreamApiError } from '../libs/nats/src/jetstream-acks';
import { TestNatsServer } from './support/nats-server';

// The gateway's own JetStream ack matching (libs/nats/src/jetstream-acks.ts) against a real
// server: every answer JetStream can give maps to what the publisher and nonce store expect.
describe('JetStreamAcks', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  let acks: JetStreamAcks;
  const msgId = (id: string) => {
    const h = headers();
    h.set('Nats-Msg-Id', id);
    return h;
  };

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    nc = await connect({ servers: nats.url });
    await (await nc.jetstreamManager()).streams.add({ name: 'acks', subjects: ['acks.>'] });
    acks = new JetStreamAcks(nc, 500);
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.dispose();
  });

  it('resolves when the message is stored, and reports a duplicate Nats-Msg-Id as such', async () => {
    const stored = await acks.publish('acks.a', '{}', msgId('one'));
    expect(stored).toEqual({ duplicate: false, seq: expect.any(Number) as number });
    // A duplicate names the original's sequence: where its headers can be read back.
    expect(await acks.publish('acks.a', '{}', msgId('one'))).toEqual({ duplicate: true, seq: stored.seq });
    expect((await (await nc.jetstreamManager()).streams.info('acks')).state.messages).toBe(1);
  });

  it('rejects with the JetStream error code when an expectation fails', async () => {
    const onlyIfNew = headers();
    onlyIfNew.set('Nats-Expected-Last-Subject-Sequence', '0');
    await acks.publish('acks.key', '', onlyIfNew);
    const again = acks.publish('acks.key', '', onlyIfNew);
    await expect(again).rejects.toBeInstanceOf(JetStreamApiError);
    await expect(again).rejects.toMatchObject({ errCode: 10071 });
  });

  it('rejects when no stream takes the subject', async () => {
    await expect(acks.publish('nowhere.x', '{}', msgId('lost'))).rejects.toBeInstanceOf(JetStreamApiError);
  });

  it('rejects a reply that is not an acknowledgement, and keeps working', async () => {
    // A responder that is not JetStream, on a subject no stream takes.
    const impostor = nc.subscribe('impostor.>', {
      callback: (_e, m) => m.respond(m.subject === 'impostor.text' ? 'not json' : '{"response":"ok"}'),
    });
    await expect(acks.publish('impostor.text', '{}', msgId('odd'))).rejects.toBeInstanceOf(JetStreamApiError);
    await expect(acks.publish('impostor.json', '{}', msgId('odd2'))).rejects.toBeInstanceOf(
      JetStreamApiError,
    );
    impostor.unsubscribe();
    expect(await acks.publish('acks.a', '{}', msgId('after-odd'))).toMatchObject({ duplicate: false });
  });

  it('rejects at once, leaving nothing waiting, when the client refuses the message', async () => {
    const tooBig = 'x'.repeat(nc.info!.max_payload + 1);
    await expect(acks.publish('acks.a', tooBig, msgId('big'))).rejects.toThrow();
    expect((acks as unknown as { waiting: Map<string, unknown> }).waiting.size).toBe(0);
  });

  it('rejects after its timeout when the server does not answer', async () => {
    await nats.pause();
    try {
      await expect(acks.publish('acks.a', '{}', msgId('frozen'))).rejects.toThrow(
        /no acknowledgement within 500 ms/,
      );
    } finally {
      nats.resume();
    }
  });

  it('rejects everything in flight at once when told the connection is gone', async () => {
    await nats.pause();
    try {
      const inFlight = acks.publish('acks.a', '{}', msgId('cut'));
      acks.failAll('NATS disconnected');
      await expect(inFlight).rejects.toThrow('NATS disconnected');
    } finally {
      nats.resume();
    }
  });

  it('sends the writes of one turn together, stored in the order they were handed over', async () => {
    const acked = await Promise.all(
      Array.from({ length: 20 }, (_, i) => acks.publish('acks.turn', `{"i":${i}}`, msgId(`turn-${i}`))),
    );
    const seqs = acked.map((ack) => ack.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(20);
  });

  it('never sends a write whose caller was already answered before it left (no late store after a 503)', async () => {
    const cut = acks.publish('acks.a', '{}', msgId('answered-first'));
    acks.failAll('NATS disconnected'); // in the same turn: the write is still waiting to leave
    await expect(cut).rejects.toThrow('NATS disconnected');
    // Sent now, the same id is new to the stream: the first attempt never reached it.
    expect(await acks.publish('acks.a', '{}', msgId('answered-first'))).toMatchObject({ duplicate: false });
  });
});
