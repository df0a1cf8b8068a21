import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';
import { wireRequest } from './support/raw-http';
import { post, sendSigned, signed, tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';

// Payloads that read two ways, or not at all the way they were sent, and requests whose refusal
// came too late or named the wrong cause (docs/security.md, "Hostile input, round three").
describe('hostile payloads', () => {
  const STREAM = 'e2e-hostile-payloads';
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let stream: StreamReader;

  const send = (route: string, body: string, headers: Record<string, string> = {}) =>
    sendSigned(gateway.url, route, body, headers);
  const fields = (reply: { json: { errors?: { field: string }[] } }) =>
    (reply.json.errors ?? []).map((e) => e.field);
  const custom = (rest: string) => `{"source":"acme-bot","instrument":"ETHUSDT","action":"buy",${rest}}`;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview,acme-bot',
      RATE_LIMIT_RPS: '100000',
    }).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  describe('numeric ids are read exactly, or refused', () => {
    it('two ids beyond 2^53 are two signals, never one: each is refused 400, nothing stored', async () => {
      const before = await stream.count();
      const first = await send('custom', custom('"id":12345678901234567890'));
      const second = await send('custom', custom('"id":12345678901234567891'));

      expect([first.status, second.status]).toEqual([400, 400]);
      expect([first.json.code, second.json.code]).toEqual(['bad_request', 'bad_request']);
      expect(first.json.detail).toMatch(/"id"/);
      expect(await stream.count()).toBe(before);
    });

    it('a whole number is the key its digits spell: 7000001, "7000001" and 7000001.0 are one key', async () => {
      const n = 7_000_000 + Math.floor(Math.random() * 1_000_000);
      const first = await send('custom', custom(`"id":${n}`));
      const quoted = await send('custom', custom(`"id":"${n}"`));
      const fraction = await send('custom', custom(`"id":${n}.0`));

      expect(first.status).toBe(202);
      // One key, first bound to another body: refused, nothing stored twice.
      expect([quoted.status, quoted.json.code]).toEqual([422, 'idempotency_key_reused']);
      expect([fraction.status, fraction.json.code]).toEqual([422, 'idempotency_key_reused']);
      expect(await send('custom', custom(`"id":${n}.5`))).toMatchObject({ status: 400 });
    });
  });

  describe('duplicate member names (I-JSON, RFC 7493) are refused at any depth', () => {
    it.each([
      ['the action twice', '{"ticker":"BTCUSDT","action":"buy","action":"sell","id":"ID"}'],
      ['a nested name twice', '{"ticker":"BTCUSDT","action":"buy","meta":{"sl":1,"sl":2},"id":"ID"}'],
      [
        'names in an array of objects',
        '{"ticker":"BTCUSDT","action":"buy","legs":[{"q":1,"q":2}],"id":"ID"}',
      ],
    ])('TradingView, %s: 422, no normalized event', async (_, template) => {
      const reply = await send('tradingview', template.replace('ID', randomUUID()));

      expect(reply.status).toBe(422);
      expect(reply.json.errors).toEqual([
        { field: 'body', message: 'has a member name twice in one object (RFC 7493)' },
      ]);
      const stored = await stream.about(reply.json.raw_event_id);
      expect(stored.map((m) => m.subject).sort()).toEqual(['signals.dlq', 'signals.raw']);
    });

    it('custom, "source" twice: 400 invalid_json, nothing stored', async () => {
      const before = await stream.count();
      const reply = await send(
        'custom',
        `{"source":"acme-bot","source":"tradingview","instrument":"X","action":"buy","id":"${randomUUID()}"}`,
      );

      expect([reply.status, reply.json.code]).toEqual([400, 'invalid_json']);
      expect(await stream.count()).toBe(before);
    });

    it('the same name in two different objects is fine', async () => {
      const reply = await send('tradingview', tradingViewAlert({ a: { x: 1 }, b: { x: 2 }, x: 3 }));

      expect(reply.status).toBe(202);
    });
  });

  it.each([
    ['a top-level field', { note: '{{plot_0}}' }, 'note'],
    ['a nested field', { meta: { x: '{{close}}' } }, 'meta.x'],
    ['an item of an array', { levels: [1, '{{strategy.order.price}}'] }, 'levels.1'],
  ])('an unexpanded placeholder in extra, %s: 422 naming it', async (_, extra, field) => {
    const reply = await send('tradingview', tradingViewAlert(extra));

    expect(reply.status).toBe(422);
    expect(fields(reply)).toEqual([field]);
  });

  describe('text that cannot be an instrument', () => {
    it.each([
      ['a lone surrogate', '"BTC\\ud800USDT"'],
      ['NUL', '"BTC\\u0000USDT"'],
      ['CR/LF', '"BTC\\r\\nUSDT"'],
      ['a zero-width space', '"BTC\\u200bUSDT"'],
      ['a right-to-left override', '"BTC\\u202eUSDT"'],
      ['a number that does not write back as sent', '12345678901234567890123'],
    ])('%s in the ticker: 422 naming it', async (_, ticker) => {
      const reply = await send('tradingview', `{"ticker":${ticker},"action":"buy","id":"${randomUUID()}"}`);

      expect(reply.status).toBe(422);
      expect(fields(reply)).toEqual(['ticker']);
    });

    it('a whole-number ticker is kept as its digits', async () => {
      const reply = await send('tradingview', `{"ticker":7203,"action":"buy","id":"${randomUUID()}"}`);

      expect(reply.status).toBe(202);
      const stored = await stream.about(reply.json.event_id);
      expect(stored.find((m) => m.subject === 'signals.normalized')!.data.instrument).toBe('7203');
    });
  });

  it('a malformed Idempotency-Key is refused before the nonce is spent: the corrected resend is 202', async () => {
    const body = tradingViewAlert();
    const headers = { 'content-type': 'application/json', ...signed(SECRET, body) };
    const url = `${gateway.url}/webhooks/tradingview`;
    const refused = await post(url, body, { ...headers, 'idempotency-key': 'has space' });
    const resent = await post(url, body, headers);

    expect([refused.status, refused.json.code]).toEqual([400, 'bad_request']);
    expect(resent.status).toBe(202);
  });

  it('a body trickled in over 2.6 s is not blamed on NATS: the store deadline starts with the last byte', async () => {
    const body = JSON.stringify({ ticker: 'BTCUSDT', action: 'buy', id: randomUUID() }).padEnd(60, ' ');
    // The headers alone (no body yet), declaring the body's length.
    const head = wireRequest({ ...signed(SECRET, body), 'Content-Length': body.length, Connection: 'close' });
    const answer = await new Promise<string>((resolve) => {
      const { port } = new URL(gateway.url);
      let text = '';
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(head);
        // Thirteen pieces, 200 ms apart: the reproduction's 2.6 s, past the 2.2 s store budget.
        const pieces = body.match(/.{1,5}/gs)!;
        pieces.forEach((piece, i) => setTimeout(() => socket.write(piece), (i + 1) * 200));
      });
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => undefined);
    });

    expect(answer).toMatch(/^HTTP\/1\.1 202 /);
  });
});
