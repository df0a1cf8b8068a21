import { randomUUID } from 'node:crypto';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';
import { rawHttp } from './support/raw-http';
import { post, signed, tradingViewAlert, sendSigned } from './support/signing';
import { StreamReader } from './support/stream';

// Each kind of hostile input (docs/security.md lists them) gets a clear 4xx, the process keeps
// serving, and no client error is logged as a fault. The built gateway runs as a process, so its
// log lines are what an operator would see.
describe('hostile input', () => {
  const STREAM = 'e2e-hostile';
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let stream: StreamReader;

  const send = (route: string, body: string, headers: Record<string, string> = {}) =>
    sendSigned(gateway.url, route, body, headers);

  /** A request line and headers as a (possibly hostile) client writes them. */
  const head = (headers: Record<string, string | number>, path = '/webhooks/tradingview') =>
    `POST ${path} HTTP/1.1\r\nHost: gw\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}`;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview,acme-bot',
      HEADERS_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '2000',
    }).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  describe('JSON nesting and array size, checked before anything parses or serializes the body', () => {
    const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

    it('a TradingView alert nested past 32 levels is a 422 kept for review, not a crash', async () => {
      const reply = await send('tradingview', `{"ticker":"X","action":"buy","deep":${deep(100_000)}}`);

      expect(reply.status).toBe(422);
      expect(reply.json.errors).toEqual([{ field: 'body', message: 'nests deeper than 32 levels' }]);
    });

    it('nesting up to the limit is fine', async () => {
      const reply = await send('tradingview', `{"ticker":"X","action":"buy","deep":${deep(31)}}`);

      expect(reply.status).toBe(202);
    });

    it('an array of more than 1000 items is refused', async () => {
      const items = JSON.stringify(new Array(100_000).fill(0));
      const reply = await send('tradingview', `{"ticker":"X","action":"buy","items":${items}}`);

      expect(reply.status).toBe(422);
      expect(reply.json.errors[0].message).toBe('holds an array of more than 1000 items');
    });

    it('on /webhooks/custom, the same is a 400 invalid_json: the source cannot be read from it', async () => {
      const reply = await send('custom', `{"source":"acme-bot","x":${deep(5000)}}`);

      expect(reply.status).toBe(400);
      expect(reply.json.code).toBe('invalid_json');
    });
  });

  it('a TradingView body that is not valid JSON is a 422 whose events and log hold no passphrase', async () => {
    // A mistyped alert template (trailing comma), made unique so it is stored now, not deduplicated.
    const passphrase = `tv-pass-${randomUUID()}`;
    const body = `{"passphrase":"${passphrase}","ticker":"BTCUSDT","n":"${randomUUID()}",}`;
    const reply = await send('tradingview', body);

    expect(reply.status).toBe(422);
    expect(reply.json.errors).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
    const stored = await stream.about(reply.json.raw_event_id);
    const raw = stored.find((m) => m.subject === 'signals.raw')!;
    expect(stored.map((m) => m.subject).sort()).toEqual(['signals.dlq', 'signals.raw']);
    expect(raw.data.body).toBe(body.replace(`"passphrase":"${passphrase}",`, ''));
    expect(JSON.stringify(stored)).not.toContain(passphrase);
    expect(JSON.stringify(reply.json)).not.toContain(passphrase);
    // Once its own line is written (asynchronously), the log has everything this request logs.
    expect(await gateway.webhookLine(reply)).toMatchObject({ status: 422 });
    expect(gateway.output.join('')).not.toContain(passphrase);
  });

  it('prototype keys never become keys of an event', async () => {
    const body =
      '{"ticker":"X","action":"buy","__proto__":{"polluted":1},"constructor":{"prototype":{"p":1}},"prototype":1,"kept":1}';
    const reply = await send('tradingview', body);

    expect(reply.status).toBe(202);
    const normalized = (await stream.about(reply.json.event_id)).find(
      (m) => m.subject === 'signals.normalized',
    )!;
    expect(Object.keys(normalized.data.extra)).toEqual(['kept']);
  });

  it.each([
    ['an infinite price', '"price":1e999', 'price'],
    ['"Infinity" as a price', '"price":"Infinity"', 'price'],
    ['a negative quantity', '"contracts":-1', 'contracts'],
    ['NaN as a quantity', '"contracts":"NaN"', 'contracts'],
  ])('422 for %s', async (_, field, name) => {
    const reply = await send('tradingview', `{"ticker":"X","action":"buy",${field}}`);

    expect(reply.status).toBe(422);
    expect((reply.json.errors as { field: string }[]).map((e) => e.field)).toEqual([name]);
  });

  it.each([
    ['X-Nonce', (body: string) => signed(SECRET, body, { nonce: 'n'.repeat(129) })],
    [
      'webhook-id',
      () => ({ 'webhook-id': 'i'.repeat(129), 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' }),
    ],
  ])('401 for a %s longer than 128 characters', async (_, headers) => {
    const body = tradingViewAlert();
    const reply = await post(`${gateway.url}/webhooks/tradingview`, body, {
      'content-type': 'application/json',
      ...headers(body),
    });

    expect(reply.status).toBe(401);
    expect(reply.json.code).toBe('invalid_signature');
  });

  it.each([
    ['a space', 'key with space'],
    ['256 characters', 'k'.repeat(256)],
  ])('400 bad_request for an Idempotency-Key with %s, nothing stored', async (_, key) => {
    const before = await stream.count();
    const reply = await send('tradingview', tradingViewAlert(), { 'idempotency-key': key });

    expect(reply.status).toBe(400);
    expect(reply.json.code).toBe('bad_request');
    expect(await stream.count()).toBe(before);
  });

  it('an unsafe X-Correlation-Id is replaced, never echoed', async () => {
    const reply = await send('tradingview', tradingViewAlert(), { 'x-correlation-id': '<script>x</script>' });

    expect(reply.status).toBe(202);
    expect(reply.json.corr_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.headers.get('x-correlation-id')).toBe(reply.json.corr_id);
  });

  it('415 for any Content-Encoding, before a byte is inflated', async () => {
    const reply = await send('tradingview', tradingViewAlert(), { 'content-encoding': 'br' });

    expect(reply.status).toBe(415);
    expect(reply.json.code).toBe('unsupported_content_encoding');
  });

  it('413 at once for a declared Content-Length over the limit, without reading the body', async () => {
    const reply = await rawHttp(gateway.url, [
      head({ 'content-type': 'application/json', 'content-length': 50 * 1024 * 1024, connection: 'close' }) +
        '\r\n',
    ]);

    expect(reply.status).toBe(413);
    expect(reply.json.code).toBe('payload_too_large');
  });

  it('431 problem for oversized headers, and the gateway keeps serving', async () => {
    const reply = await rawHttp(gateway.url, [head({ 'x-pad': 'a'.repeat(32 * 1024) }) + '\r\n']);

    expect(reply.status).toBe(431);
    expect(reply.json).toMatchObject({ status: 431, code: 'headers_too_large' });
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('400 problem for a request that is not HTTP', async () => {
    const reply = await rawHttp(gateway.url, ['\x16\x03\x01 not http at all\r\n\r\n']);

    expect(reply.status).toBe(400);
    expect(reply.json.code).toBe('bad_request');
  });

  it('400 for broken chunked framing', async () => {
    // Signed, so its headers pass and the body is read: an unsigned one is refused (401) unread.
    const reply = await rawHttp(gateway.url, [
      head({ 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...signed(SECRET, '{}') }) +
        '\r\nzz\r\n{}\r\n0\r\n\r\n',
    ]);

    expect(reply.status).toBe(400);
  });

  describe('slow clients are cut off (HEADERS_TIMEOUT_MS=1000, REQUEST_TIMEOUT_MS=2000 here)', () => {
    it('408 for headers that never finish', async () => {
      const reply = await rawHttp(gateway.url, [head({ 'content-type': 'application/json' })]);

      expect(reply.status).toBe(408);
      expect(reply.json.code).toBe('request_timeout');
    });

    it('408 for a body that never finishes, and nothing stored', async () => {
      const before = (await stream.all()).length;
      const body = tradingViewAlert();
      const reply = await rawHttp(gateway.url, [
        head({
          'content-type': 'application/json',
          'content-length': body.length + 10,
          ...signed(SECRET, body),
        }) +
          '\r\n' +
          body,
      ]);

      expect(reply.status).toBe(408);
      expect((await stream.all()).length).toBe(before);
    });
  });

  it('a client error is logged at info, without a stack; no line is at error level and none holds a secret', async () => {
    const last = await send('tradingview', tradingViewAlert(), {
      'x-signature': 'sha256=' + '0'.repeat(64),
      'x-nonce': randomUUID(),
    });
    // The last request's line written means every earlier one is too (one ordered stream).
    await gateway.webhookLine(last);
    const lines = gateway.logLines();
    const refusals = lines.filter((l) => typeof l.status === 'number' && l.status >= 400);

    expect(refusals.length).toBeGreaterThan(10);
    expect(refusals.every((l) => l.level === 'info')).toBe(true);
    expect(lines.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
    expect(gateway.output.join('')).not.toMatch(/\n\s+at |"stack"/);
    expect(gateway.output.join('')).not.toContain(SECRET);
  });
});
