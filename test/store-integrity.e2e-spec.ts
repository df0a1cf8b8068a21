import { randomUUID } from 'node:crypto';
import { TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { sendSigned } from './support/signing';
import { StreamReader } from './support/stream';

// An answer stores all of a webhook's events or none of them, and an
// idempotency key is bound to the body it first came with.
describe('all or nothing, and idempotency keys bound to their body', () => {
  const STREAM = 'e2e-store-integrity';
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let stream: StreamReader;

  const send = (
    route: string,
    body: string,
    headers: Record<string, string> = {},
    type = 'application/json',
  ) => sendSigned(gateway.url, route, body, { 'content-type': type, ...headers });

  /** What `action` stored, read back (and schema-checked) from the stream. */
  async function storedBy<T>(action: () => Promise<T>): Promise<{ reply: T; stored: string[] }> {
    const mark = await stream.lastSeq();
    const reply = await action();
    return { reply, stored: (await stream.after(mark)).map((m) => m.subject) };
  }

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      RATE_LIMIT_RPS: '1000',
    }).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  describe('a body whose events outgrow NATS max_payload (1 MiB) stores nothing', () => {
    it('a text body of quotes: its raw event is twice its size, its dead letter small: 413, nothing stored', async () => {
      const { reply, stored } = await storedBy(() =>
        send('tradingview', '"'.repeat(600_000), {}, 'text/plain'),
      );

      expect(reply.status).toBe(413);
      expect(reply.json.code).toBe('payload_too_large');
      expect(stored).toEqual([]);
    });

    it('a JSON body whose raw event outgrows the limit and whose normalized event does not: 413, nothing stored', async () => {
      // The note's quotes are escaped once in the normalized event, twice in the raw one.
      const body = JSON.stringify({
        ticker: 'BTCUSDT',
        action: 'buy',
        id: randomUUID(),
        note: '"'.repeat(300_000),
      });
      const { reply, stored } = await storedBy(() => send('tradingview', body));

      expect(reply.status).toBe(413);
      expect(stored).toEqual([]);
    });
  });

  describe('Idempotency-Key reused with another body', () => {
    const alert = (over: Record<string, unknown> = {}) =>
      JSON.stringify({ ticker: 'BTCUSDT', action: 'buy', price: '64123.5', ...over });

    it('K on a rejected payload, then K on a valid other one: 422 idempotency_key_reused, nothing stored', async () => {
      const key = randomUUID();
      const rejected = await send('tradingview', alert({ action: 'hold' }), { 'idempotency-key': key });
      const { reply, stored } = await storedBy(() =>
        send('tradingview', alert(), { 'idempotency-key': key }),
      );

      expect(rejected.status).toBe(422);
      expect(reply.status).toBe(422);
      expect(reply.json.code).toBe('idempotency_key_reused');
      expect(stored).toEqual([]);
    });

    it('K after a 202 with another body: 422, nothing stored; with the same body: 200 duplicate, nothing stored', async () => {
      const key = randomUUID();
      const first = await send('tradingview', alert(), { 'idempotency-key': key });
      const other = await storedBy(() =>
        send('tradingview', alert({ action: 'sell' }), { 'idempotency-key': key }),
      );
      const same = await storedBy(() => send('tradingview', alert(), { 'idempotency-key': key }));

      expect(first.status).toBe(202);
      expect(other.reply.status).toBe(422);
      expect(other.reply.json.code).toBe('idempotency_key_reused');
      expect(other.stored).toEqual([]);
      expect(same.reply.status).toBe(200);
      expect(same.reply.json).toMatchObject({ status: 'duplicate', event_id: first.json.event_id });
      expect(same.stored).toEqual([]);
    });

    it('a payload id reused with another body is refused the same way; the same body is a duplicate', async () => {
      const id = randomUUID();
      const first = await send(
        'custom',
        JSON.stringify({ source: 'acme-bot', id, instrument: 'X', action: 'buy' }),
      );
      const other = await send(
        'custom',
        JSON.stringify({ source: 'acme-bot', id, instrument: 'X', action: 'sell' }),
      );
      const same = await send(
        'custom',
        JSON.stringify({ source: 'acme-bot', id, instrument: 'X', action: 'buy' }),
      );

      expect([first.status, other.status, same.status]).toEqual([202, 422, 200]);
      expect(other.json.code).toBe('idempotency_key_reused');
    });
  });
});
