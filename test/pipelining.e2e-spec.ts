import { rawEventId } from '@gateway/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { metricValue } from './support/keyed-sender';
import { TestNatsServer } from './support/nats-server';
import { wireRequest } from './support/raw-http';
import { sendSigned, signed, tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';

// HTTP/1.1 pipelining and connections that die with answers still queued. Node answers pipelined
// requests in order and emits no 'close' for an answer queued behind an unanswered one when the
// connection dies; whatever such a request held (a share of the body memory budget, its source's
// in-flight slot) must still be given back, and a webhook whose turn never came is not processed.
describe('pipelined requests on a connection that dies', () => {
  const STREAM = 'e2e-pipelining';
  const IN_FLIGHT = 4;
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let stream: StreamReader;

  const metric = (name: string, labels: Record<string, string> = {}) =>
    metricValue(gateway.url, name, labels);
  /** Waits until `read` gives `value` (or gives up after 5 s and returns what it last read). */
  const settlesAt = async (read: () => Promise<number>, value: number) => {
    let last = await read();
    for (let waited = 0; last !== value && waited < 5000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      last = await read();
    }
    return last;
  };
  /** Opens a connection, writes `wire` in one write, reads nothing, and resets it after `ms`. */
  const writeThenReset = (wire: string, ms: number) =>
    new Promise<void>((resolve) => {
      const { port } = new URL(gateway.url);
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(wire);
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve();
        }, ms);
      });
      socket.pause();
      socket.on('error', () => undefined);
    });
  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview',
      SOURCE_IN_FLIGHT_MAX: String(IN_FLIGHT),
      RATE_LIMIT_RPS: '100000',
    }).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it('a client with no key cannot pin the body memory budget: every reservation comes back', async () => {
    // The reproduction: answers the client never reads (300 metrics pages, megabytes in all) queue
    // the answer of a forged 1 MiB upload behind them; the client resets after 0.5 s.
    const forged = () =>
      'GET /metrics HTTP/1.1\r\nHost: gw\r\n\r\n'.repeat(300) +
      wireRequest({
        'Content-Length': 1048576,
        'X-Timestamp': Math.floor(Date.now() / 1000),
        'X-Nonce': randomUUID(),
        'X-Signature': `sha256=${randomBytes(32).toString('hex')}`,
      });
    for (let i = 0; i < 6; i++) await writeThenReset(forged(), 500);

    expect(await settlesAt(() => metric('gateway_body_bytes_reserved'), 0)).toBe(0);
    expect((await sendSigned(gateway.url, 'tradingview', tradingViewAlert())).status).toBe(202);
  });

  /** A signed TradingView alert as it goes on the wire, with its payload id and correlation id. */
  const signedAlert = (corrId: string) => {
    const id = randomUUID();
    const body = tradingViewAlert({ id });
    return { id, corrId, wire: wireRequest({ ...signed(SECRET, body), 'X-Correlation-Id': corrId }, body) };
  };
  /** The log lines of these correlation ids, once each has its line (or what there is after 5 s). */
  const linesOf = async (corrIds: string[]) => {
    const lines = () => gateway.logLines().filter((l) => corrIds.includes(l.corr_id as string));
    await settlesAt(() => Promise.resolve(lines().length), corrIds.length);
    return lines();
  };

  it('two signed webhooks pipelined, then a reset 1 ms later: slots come back, each webhook logged once', async () => {
    const pairs = Array.from({ length: 6 }, (_, i) => [
      signedAlert(`pair-${i}-a`),
      signedAlert(`pair-${i}-b`),
    ]);
    for (const [first, second] of pairs) await writeThenReset(first.wire + second.wire, 1);

    expect(await settlesAt(() => metric('gateway_source_in_flight', { source: 'tradingview' }), 0)).toBe(0);
    const lines = await linesOf(pairs.flat().map((w) => w.corrId));
    expect(lines.map((l) => l.corr_id).sort()).toEqual(
      pairs
        .flat()
        .map((w) => w.corrId)
        .sort(),
    );
    // Answered, or counted as a connection that closed before its answer (the sender saw nothing).
    expect(lines.filter((l) => l.status !== 202 && l.status !== 499)).toEqual([]);
    expect((await sendSigned(gateway.url, 'tradingview', tradingViewAlert())).status).toBe(202);
  });

  it('a signed webhook whose turn never came is not processed: logged, counted, nothing stored', async () => {
    const queued = signedAlert(`queued-${randomUUID()}`);
    await writeThenReset('GET /metrics HTTP/1.1\r\nHost: gw\r\n\r\n'.repeat(300) + queued.wire, 500);

    const [line] = await linesOf([queued.corrId]);
    expect(line).toMatchObject({
      level: 'info',
      status: 499,
      msg: 'webhook connection closed before its answer',
    });
    expect(await stream.about(rawEventId('tradingview', queued.id))).toEqual([]);
  });
});
