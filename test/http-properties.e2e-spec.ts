import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';
import { rawHttp } from './support/raw-http';
import { HEADER_REFUSAL_CODES, postOrRefusedUnread, refusableFromHeaders } from './support/refused-unread';
import { signed } from './support/signing';
import { StreamReader } from './support/stream';

// Property-based tests over the HTTP surface of the built gateway (fast-check): whatever bodies,
// headers and signatures arrive, the answer is never a 5xx, nothing unauthenticated is stored,
// every answer stores exactly what its status promises, and the process stays up, quiet (no
// error lines, no secrets) and within a memory bound.
describe('the HTTP surface under random input (properties)', () => {
  const STREAM = 'e2e-properties';
  // A bomb of any kind (inflated bodies, unbounded buffers) would take far more than this.
  const MEMORY_BOUND_BYTES = 512 * 1024 * 1024;
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let stream: StreamReader;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview,acme-bot',
      // Enough that the rate limit does not hide what the properties look at.
      RATE_LIMIT_RPS: '100000',
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

  // ---- generators -------------------------------------------------------------------------

  const printable = fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 200,
  });
  const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
  // Mostly around the depth limit (32), sometimes deep enough to overflow any recursive consumer.
  const depth = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 50_000 }));
  const nested = fc
    .tuple(depth, fc.constantFrom('[', '{"a":'))
    .map(([n, open]) => open.repeat(n) + '1' + (open === '[' ? ']' : '}').repeat(n));

  const alertLike = fc.record(
    {
      ticker: fc.oneof(fc.constant('BTCUSDT'), fc.string(), fc.integer()),
      action: fc.oneof(fc.constantFrom('buy', 'sell', 'close', 'long', 'EXIT'), fc.string()),
      price: fc.oneof(fc.double(), fc.string(), fc.constant('{{close}}')),
      contracts: fc.oneof(fc.double(), fc.constantFrom('-1', '1e999', 'Infinity', '0.5')),
      source: fc.oneof(fc.constantFrom('acme-bot', '__proto__', 'evil'), fc.string()),
      instrument: fc.string(),
      time: fc.oneof(
        fc.integer(),
        fc.string(),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
      extra: fc.jsonValue({ maxDepth: 4 }),
    },
    { requiredKeys: [] },
  );

  /**
   * A payload both routes accept, plus members an attacker adds: prototype keys, a passphrase,
   * deeply nested values. Written by hand so `__proto__` stays a plain key.
   */
  const validAlert = fc
    .tuple(
      fc.constantFrom('BTCUSDT', 'ETHUSDT'),
      fc.constantFrom('buy', 'sell', 'close'),
      fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom('__proto__', 'constructor', 'prototype', 'passphrase', 'note'),
            fc.string(),
          ),
          fc.oneof(fc.jsonValue({ maxDepth: 5 }), nested),
        ),
        { maxLength: 5 },
      ),
    )
    .map(([ticker, action, members]) => {
      const more = members.map(
        ([k, v]) =>
          `,${JSON.stringify(k)}:${typeof v === 'string' && /^[[{]/.test(v) ? v : JSON.stringify(v)}`,
      );
      return `{"source":"acme-bot","instrument":"${ticker}","ticker":"${ticker}","action":"${action}"${more.join('')}}`;
    });

  const body = fc.oneof(
    { weight: 4, arbitrary: validAlert },
    { weight: 3, arbitrary: alertLike.map((o) => JSON.stringify(o)) },
    { weight: 2, arbitrary: fc.json() },
    { weight: 1, arbitrary: nested },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 900, max: 5000 }).map((n) => JSON.stringify({ a: new Array(n).fill(1) })),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b).toString('latin1')),
    },
    // Bodies around MAX_BODY_BYTES (1 MiB): some pass, some are refused while streaming.
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1_000_000, max: 1_100_000 }).map((n) => `{"p":"${'a'.repeat(n)}"}`),
    },
  );

  const route = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('tradingview', 'custom') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor',
        '%E0%A4%A',
        '..%2F..%2Fhealthz',
        'TradingView',
        '',
      ),
    },
    { weight: 1, arbitrary: printable.map(encodeURIComponent) },
  );

  const contentType = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8'),
    },
    { weight: 1, arbitrary: printable },
  );

  const now = () => Math.floor(Date.now() / 1000);
  const forgedHeaders = fc.record(
    {
      'x-signature': fc.oneof(
        hex64,
        hex64.map((h) => `sha256=${h}`),
        printable,
      ),
      'x-timestamp': fc.oneof(
        fc.constant(null).map(() => String(now())),
        fc.nat().map(String),
        printable,
      ),
      'x-nonce': fc.oneof(fc.uuid(), printable),
      'webhook-id': printable,
      'webhook-timestamp': fc.oneof(
        fc.constant(null).map(() => String(now())),
        printable,
      ),
      'webhook-signature': fc.oneof(
        fc
          .array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 50 })
          .map((sigs) => sigs.map((s) => `v1,${Buffer.from(s).toString('base64')}`).join(' ')),
        printable,
      ),
      'idempotency-key': printable,
      'x-correlation-id': printable,
      'x-forwarded-for': printable,
    },
    { requiredKeys: ['x-signature', 'x-timestamp', 'x-nonce'] },
  );

  const encoding = fc.oneof(
    { weight: 7, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom('gzip', 'identity', 'br', 'deflate, gzip') },
  );
  const withEncoding = (headers: Record<string, string>, e: string | null) =>
    e === null ? headers : { ...headers, 'content-encoding': e };

  // ---- properties -------------------------------------------------------------------------

  const problemJson = /^application\/problem\+json/;

  /** The raw event of an accepted body: the body as sent, or on TradingView minus a top-level passphrase. */
  function expectRawBody(raw: string, route: string, text: string): void {
    const payload = JSON.parse(text) as Record<string, unknown>;
    if (route !== 'tradingview' || !Object.hasOwn(payload, 'passphrase')) {
      expect(raw).toBe(Buffer.from(text).toString());
      return;
    }
    delete payload.passphrase;
    expect(JSON.parse(raw)).toEqual(payload);
    expect(Object.hasOwn(JSON.parse(raw) as object, 'passphrase')).toBe(false);
  }

  it('never answers a forged request with a 5xx or a 2xx, and stores nothing', async () => {
    const before = await stream.count();
    await fc.assert(
      fc.asyncProperty(
        route,
        contentType,
        forgedHeaders,
        encoding,
        body,
        async (r, type, headers, e, text) => {
          const attempt = {
            route: r,
            body: text,
            headers: { 'content-type': type, ...withEncoding(headers, e) },
          };
          const reply = await postOrRefusedUnread(`${gateway.url}/webhooks/${r}`, attempt);
          // Refusable from its headers and its answer lost with the connection: the stream count
          // after the property shows it stored nothing. A body the gateway must read never gets here.
          if (!reply) return;
          if (refusableFromHeaders(attempt)) expect(HEADER_REFUSAL_CODES).toContain(reply.json.code);
          expect(reply.status).toBeGreaterThanOrEqual(400);
          expect(reply.status).toBeLessThan(500);
          expect(reply.headers.get('content-type')).toMatch(problemJson);
          expect(JSON.stringify(reply.json)).not.toContain(SECRET);
        },
      ),
      { numRuns: 250 },
    );
    expect(await stream.count()).toBe(before);
  });

  it('stores exactly what the status of a signed request promises, and never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('tradingview', 'custom'), contentType, body, async (r, type, text) => {
        const before = await stream.count();
        const headers = { 'content-type': type, 'idempotency-key': randomUUID(), ...signed(SECRET, text) };
        const reply = await postOrRefusedUnread(`${gateway.url}/webhooks/${r}`, {
          route: r,
          body: text,
          headers,
        });
        const stored = (await stream.count()) - before;
        // Only a media type the route does not take or a body over the limit is refused unread
        // (refusableFromHeaders); its answer may be lost with the connection, and nothing is stored.
        if (!reply) return expect(stored).toBe(0);
        expect([202, 400, 403, 413, 415, 422]).toContain(reply.status);
        // 202: raw + normalized; 422: raw + dlq; any other answer: nothing.
        expect(stored).toBe(reply.status === 202 || reply.status === 422 ? 2 : 0);
        if (reply.status === 202) {
          const events = await stream.about(reply.json.event_id);
          const normalized = events.find((m) => m.subject === 'signals.normalized')!;
          expectRawBody(events.find((m) => m.subject === 'signals.raw')!.data.body as string, r, text);
          for (const key of ['__proto__', 'constructor', 'prototype']) {
            expect(Object.hasOwn(normalized.data.extra as object, key)).toBe(false);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('answers random bytes on the wire with a 4xx or by closing, never a 5xx', async () => {
    const wire = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
      fc
        .tuple(fc.array(fc.tuple(printable, printable), { maxLength: 20 }), fc.uint8Array({ maxLength: 512 }))
        .map(([headers, tail]) =>
          Buffer.concat([
            Buffer.from(
              `POST /webhooks/tradingview HTTP/1.1\r\nHost: gw\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}`,
            ),
            Buffer.from(tail),
          ]),
        ),
    );
    await fc.assert(
      fc.asyncProperty(wire, async (bytes) => {
        const reply = await rawHttp(gateway.url, [bytes], { end: true });
        expect(reply.status === 0 || (reply.status >= 400 && reply.status < 500)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('is still up and ready afterwards, within the memory bound, with no error line and no secret logged', async () => {
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    const rss = Number(/^process_resident_memory_bytes (\S+)$/m.exec(metrics)?.[1]);
    expect(rss).toBeGreaterThan(0);
    expect(rss).toBeLessThan(MEMORY_BOUND_BYTES);

    await gateway.logSettled();
    const output = gateway.output.join('');
    const lines = gateway.logLines();
    expect(lines.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
    expect(output).not.toContain(SECRET);
    expect(output).not.toMatch(/\n\s+at /);
  });
});
