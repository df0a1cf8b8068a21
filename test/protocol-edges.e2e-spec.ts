import { rawEventId } from '@gateway/contracts';
import { createHmac, randomUUID } from 'node:crypto';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { samplesOf } from './support/exposition';
import { TestNatsServer } from './support/nats-server';
import { rawHttp, wireRequest } from './support/raw-http';
import { signed } from './support/signing';
import { StreamReader } from './support/stream';

// What is refused before any route runs answers like any refusal (a problem,
// one info line, a count), and an accepted body is stored as the bytes that were received.
describe('protocol edges', () => {
  const STREAM = 'e2e-protocol-edges';
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let stream: StreamReader;

  const refusals = async (code: string) => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const sample = samplesOf(text).find(
      (s) => s.name === 'gateway_http_refusals_total' && s.labels.code === code,
    );
    return sample?.value ?? NaN;
  };
  const infoLines = (code: string) =>
    gateway.logLines().filter((l) => l.code === code && l.msg === 'request refused by the HTTP parser');

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview',
    }).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it.each([
    [
      'a request without Host',
      'POST /webhooks/tradingview HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}',
      400,
      'missing_host',
    ],
    [
      'Expect: 200-ok',
      'POST /webhooks/tradingview HTTP/1.1\r\nHost: gw\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}',
      417,
      'expectation_failed',
    ],
    ['a request that is not HTTP', '\x16\x03\x01 not http at all\r\n\r\n', 400, 'bad_request'],
    [
      'CONNECT (a proxy method: this is not a proxy)',
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
      405,
      'method_not_allowed',
    ],
  ])('%s: a problem+json answer, counted and logged once at info', async (_, wire, status, code) => {
    const [before, logged] = [await refusals(code), infoLines(code).length];
    const reply = await rawHttp(gateway.url, [wire]);

    expect(reply.status).toBe(status);
    expect(reply.text).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/i);
    expect(reply.json).toMatchObject({ status, code, type: `urn:at-gateway:problem:${code}` });
    expect(await refusals(code)).toBe(before + 1);
    for (let waited = 0; infoLines(code).length === logged && waited < 2000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const lines = infoLines(code).slice(logged);
    expect(lines.map((l) => [l.level, l.status])).toEqual([['info', status]]);
  });

  it('counts every refusal kind from zero, so an alert sees the first one', async () => {
    for (const code of [
      'missing_host',
      'expectation_failed',
      'bad_request',
      'headers_too_large',
      'request_timeout',
      'method_not_allowed',
    ]) {
      expect(await refusals(code)).toBeGreaterThanOrEqual(0);
    }
  });

  it('an HTTP/1.0 request without Host is still served (Host is required from 1.1 on)', async () => {
    const reply = await rawHttp(gateway.url, ['GET /healthz HTTP/1.0\r\n\r\n']);

    expect(reply.status).toBe(200);
  });

  /** Signs and posts raw bytes, as a sender whose body is not valid UTF-8 would. */
  const postBytes = (body: Buffer, type: string) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomUUID();
    const mac = createHmac('sha256', SECRET).update(`${ts}.${nonce}.`).update(body).digest('hex');
    return fetch(`${gateway.url}/webhooks/tradingview`, {
      method: 'POST',
      body,
      headers: { 'content-type': type, 'x-timestamp': ts, 'x-nonce': nonce, 'x-signature': `sha256=${mac}` },
    });
  };

  it('keeps a body that is not valid UTF-8 byte for byte (body_base64), and one that is as it was', async () => {
    const invalid = Buffer.concat([
      Buffer.from(`{"ticker":"BTCUSDT","action":"buy","id":"${randomUUID()}","note":"`),
      Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]),
      Buffer.from('"}'),
    ]);
    const valid = Buffer.from(`{"ticker":"BTCUSDT","action":"buy","id":"${randomUUID()}","note":"€"}`);
    const replies = [
      await postBytes(invalid, 'application/json'),
      await postBytes(valid, 'application/json'),
    ];
    const ids = await Promise.all(
      replies.map(async (r) => ({
        http: r.status,
        event_id: ((await r.json()) as { event_id: string }).event_id,
      })),
    );
    const rawOf = async (eventId: string): Promise<Record<string, string>> =>
      (await stream.about(eventId)).find((m) => m.subject === 'signals.raw')!.data as Record<string, string>;

    expect(ids.map((r) => r.http)).toEqual([202, 202]);
    const [stored, plain] = [await rawOf(ids[0].event_id), await rawOf(ids[1].event_id)];
    expect(Buffer.from(stored.body_base64, 'base64').equals(invalid)).toBe(true);
    expect(stored.body).toBe(invalid.toString('utf8'));
    expect(plain.body).toBe(valid.toString('utf8'));
    expect(Object.hasOwn(plain, 'body_base64')).toBe(false);
  });

  describe('a request the parser refuses, written right behind a good one on the same connection', () => {
    /** The status line of every answer on a connection, in order. */
    const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

    it.each([
      [
        'two Content-Length headers',
        'POST /webhooks/tradingview HTTP/1.1\r\nHost: gw\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
        400,
      ],
      ['a 20 KB header', `GET /healthz HTTP/1.1\r\nHost: gw\r\nX-Pad: ${'a'.repeat(20 * 1024)}\r\n\r\n`, 431],
    ])('%s: the stored signal is answered 202 first, then the refusal', async (_, bad, status) => {
      const id = randomUUID();
      const body = JSON.stringify({ ticker: 'BTCUSDT', action: 'buy', id });
      const good = wireRequest(signed(SECRET, body), body);
      const reply = await rawHttp(gateway.url, [good + bad]);

      expect(statuses(reply.text)).toEqual([202, status]);
      const stored = await stream.about(rawEventId('tradingview', id));
      expect(stored.map((m) => m.subject).sort()).toEqual(['signals.normalized', 'signals.raw']);
    });
  });
});
