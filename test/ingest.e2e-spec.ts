import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { signed, tradingViewAlert, sendSigned } from './support/signing';
import { StreamReader } from './support/stream';

// Every outcome row of docs/contract.md 1.2 that does not need NATS to fail, seen from outside.
describe('POST /webhooks/<source>', () => {
  const STREAM = 'e2e-ingest';
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let stream: StreamReader;

  const send = (route: string, body: string, headers: Record<string, string> = {}) =>
    sendSigned(gateway.url, route, body, headers);

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({ NATS_URL: nats.url, NATS_STREAM: STREAM }).start();
    stream = await StreamReader.open(nats.url, STREAM);
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it('202: stores the raw and the normalized event before answering', async () => {
    const body = tradingViewAlert({
      interval: '15',
      strategy: 'EMA',
      time: '2026-11-27T12:00:00Z',
      note: 'x',
    });
    const reply = await send('tradingview', body, { 'x-correlation-id': 'corr-e2e-1' });

    expect(reply.status).toBe(202);
    expect(reply.json).toEqual({ status: 'accepted', event_id: expect.any(String), corr_id: 'corr-e2e-1' });
    expect(reply.headers.get('x-correlation-id')).toBe('corr-e2e-1');
    const stored = await stream.about(reply.json.event_id);
    const raw = stored.find((m) => m.subject === 'signals.raw')!;
    const normalized = stored.find((m) => m.subject === 'signals.normalized')!;
    expect(stored).toHaveLength(2);
    expect(raw.data).toMatchObject({
      schema: 'signals.raw.v1',
      source: 'tradingview',
      corr_id: 'corr-e2e-1',
      body,
      content_type: 'application/json',
    });
    expect(raw.headers).toMatchObject({
      'nats-msg-id': reply.json.event_id,
      'x-correlation-id': 'corr-e2e-1',
    });
    expect(normalized.data).toMatchObject({
      schema: 'signals.normalized.v1',
      raw_event_id: reply.json.event_id,
      instrument: 'BTCUSDT',
      exchange: 'BINANCE',
      action: 'buy',
      price: 64123.5,
      quantity: 0.5,
      timeframe: '15',
      strategy: 'EMA',
      signal_time: '2026-11-27T12:00:00Z',
      extra: { note: 'x' },
    });
    expect(normalized.headers['nats-msg-id']).toBe(normalized.data.event_id);
  });

  it('200 duplicate: the same Idempotency-Key answers with the original event_id and stores nothing new', async () => {
    // The same body (a sender's retry): the same key with another body is a 422 (store-integrity spec).
    const key = randomUUID();
    const body = tradingViewAlert();
    const first = await send('tradingview', body, { 'idempotency-key': key });
    const again = await send('tradingview', body, { 'idempotency-key': key });

    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: 'duplicate', event_id: first.json.event_id });
    expect(await stream.about(first.json.event_id)).toHaveLength(2);
  });

  it('without a header, the payload id is the idempotency key', async () => {
    const body = tradingViewAlert();
    const first = await send('tradingview', body);
    const retry = await send('tradingview', body);

    expect(retry.status).toBe(200);
    expect(retry.json.event_id).toBe(first.json.event_id);
  });

  it('the custom source takes the canonical format and is named by its payload', async () => {
    const body = JSON.stringify({
      source: 'acme-bot',
      instrument: 'ETHUSDT',
      action: 'sell',
      price: 3012.25,
      quantity: 2,
    });
    const reply = await send('custom', body);

    expect(reply.status).toBe(202);
    const normalized = (await stream.about(reply.json.event_id)).find(
      (m) => m.subject === 'signals.normalized',
    );
    expect(normalized?.data).toMatchObject({
      source: 'acme-bot',
      instrument: 'ETHUSDT',
      action: 'sell',
      price: 3012.25,
    });
  });

  it('422: keeps the raw event for review and dead-letters it, with no normalized event', async () => {
    const reply = await send('tradingview', tradingViewAlert({ ticker: undefined, action: 'hold' }));

    expect(reply.status).toBe(422);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.json).toMatchObject({
      status: 422,
      code: 'schema_validation_failed',
      raw_event_id: expect.any(String),
    });
    const errors = reply.json.errors as { field: string }[];
    expect(errors.map((e) => e.field).sort()).toEqual(['action', 'ticker']);
    const stored = await stream.about(reply.json.raw_event_id);
    expect(stored.map((m) => m.subject).sort()).toEqual(['signals.dlq', 'signals.raw']);
    expect(stored.find((m) => m.subject === 'signals.dlq')?.data.errors).toEqual(reply.json.errors);
  });

  it('422: a TradingView alert sent as plain text is kept raw, dead-lettered as plain text', async () => {
    const body = 'BTCUSDT crossed 64000';
    const reply = await send('tradingview', body, { 'content-type': 'text/plain; charset=utf-8' });

    expect(reply.status).toBe(422);
    const plainText = [{ field: 'body', message: 'is plain text, not JSON: a signal is a JSON object' }];
    expect(reply.json.errors).toEqual(plainText);
    const stored = await stream.about(reply.json.raw_event_id);
    expect(stored.find((m) => m.subject === 'signals.raw')?.data).toMatchObject({
      body,
      content_type: 'text/plain; charset=utf-8',
    });
    expect(stored.find((m) => m.subject === 'signals.dlq')?.data.errors).toEqual(plainText);
    expect(stored.some((m) => m.subject === 'signals.normalized')).toBe(false);
  });

  it.each([
    ['malformed JSON', '{"source": "acme-bot", ', 'invalid_json'],
    ['a JSON array', '[1,2]', 'invalid_json'],
    ['no source', '{"instrument":"X","action":"buy"}', 'invalid_source'],
    ['a non-string source', '{"source":7,"instrument":"X","action":"buy"}', 'invalid_source'],
  ])('400 on /webhooks/custom for %s, nothing stored', async (_, body, code) => {
    const before = (await stream.all()).length;
    const reply = await send('custom', body);

    expect(reply.status).toBe(400);
    expect(reply.json.code).toBe(code);
    expect((await stream.all()).length).toBe(before);
  });

  it('404 for a route no source serves, as a problem', async () => {
    const reply = await send('nope', tradingViewAlert());

    expect(reply.status).toBe(404);
    expect(reply.json.code).toBe('not_found');
  });

  it('400 for a malformed %-escape in the route, never a 5xx', async () => {
    const reply = await send('%E0%A4%A', tradingViewAlert());

    expect(reply.status).toBe(400);
    expect(reply.json.code).toBe('bad_request');
  });

  it('415 for a media type the source does not take', async () => {
    const body = '{"source":"acme-bot","instrument":"X","action":"buy"}';
    const reply = await send('custom', body, { 'content-type': 'text/plain' });

    expect(reply.status).toBe(415);
    expect(reply.json.code).toBe('unsupported_media_type');
  });

  it('415 for a compressed body: nothing is inflated', async () => {
    const body = gzipSync(tradingViewAlert());
    const res = await fetch(`${gateway.url}/webhooks/tradingview`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...signed(SECRET, 'x') },
    });

    expect(res.status).toBe(415);
    expect(((await res.json()) as { code: string }).code).toBe('unsupported_content_encoding');
  });

  it('413, not a 503 to retry forever, when a body under the limit makes an event over NATS max_payload', async () => {
    // The default nats-server takes messages up to 1 MiB, the default body limit; the raw event
    // carries the body plus its envelope.
    const body = tradingViewAlert({ note: 'n'.repeat(1024 * 1024 - 400) });
    const reply = await send('tradingview', body);

    expect(reply.status).toBe(413);
    expect(reply.json.code).toBe('payload_too_large');
  });

  it('413 for a body over MAX_BODY_BYTES, also when chunked without Content-Length', async () => {
    const big = JSON.stringify({ ticker: 'X', action: 'buy', pad: 'a'.repeat(1024 * 1024) });
    expect((await send('tradingview', big)).status).toBe(413);

    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${gateway.url}/webhooks/tradingview`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
          ...signed(SECRET, 'x'),
        },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      for (let i = 0; i < 20; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
  });
});
