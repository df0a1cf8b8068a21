import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { MEMORY, memoryLimitFor } from '../apps/gateway/src/config/memory-budget';
import { loadConfig } from '../apps/gateway/src/config/load-config';
import { samplesOf } from './support/exposition';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';
import { signed } from './support/signing';
import { StreamReader } from './support/stream';

// The body bytes held across all requests in flight are bounded by
// BODY_MEMORY_BUDGET_BYTES, and what the headers alone decide is decided before a body is read.
// The reproductions: 400 connections each uploading a 1,048,000-byte body and holding back its
// last byte (RSS 96 -> 508 MiB before), and 100 signed near-1 MiB alerts at once (~520 MiB).
// Asserted on the gateway process's peak resident memory (VmHWM, reset before each flood),
// against a bound derived from the budget (docs/operations.md "Memory"), not on any timing.
describe('the body memory budget under floods of large uploads', () => {
  const MiB = 1024 * 1024;
  const BUDGET = 16 * MiB;
  // Per body byte held, the resident bytes the gateway may need, plus the garbage the collector
  // lets pile up (memory-budget.ts): the bound the Kubernetes limit is derived with.
  const GROWTH_BOUND = MEMORY.perBodyByte * BUDGET + MEMORY.gcSlackBytes;
  const BODY_BYTES = 1_048_000;
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let stream: StreamReader;

  const status = (field: 'VmRSS' | 'VmHWM') =>
    Number(
      new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
        readFileSync(`/proc/${gateway.pid}/status`, 'utf8'),
      )![1],
    ) * 1024;
  /** How many webhooks the gateway refused with `code` so far (its own count: an answer written
   * while the client still sends can be lost to the connection's reset). */
  const refusedWith = async (code: string) =>
    samplesOf(await (await fetch(`${gateway.url}/metrics`)).text())
      .filter((s) => s.name === 'gateway_webhooks_rejected_total' && s.labels.code === code)
      .reduce((sum, s) => sum + s.value, 0);
  /** Waits until no body is reserved any more (the previous flood's connections are all closed). */
  async function budgetFree(): Promise<void> {
    for (let waited = 0; waited < 10_000; waited += 50) {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      if (samplesOf(text).find((s) => s.name === 'gateway_body_bytes_reserved')?.value === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the body memory budget was not given back');
  }
  /** Resets the peak-RSS mark (Linux clear_refs "5"), so VmHWM is the peak of what follows. */
  const resetPeak = () => writeFileSync(`/proc/${gateway.pid}/clear_refs`, '5');

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-memory-budget',
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview',
      BODY_MEMORY_BUDGET_BYTES: String(BUDGET),
      RATE_LIMIT_RPS: '100000',
      LOG_LEVEL: 'warn',
    }).start();
    stream = await StreamReader.open(nats.url, 'e2e-memory-budget');
  });

  afterAll(async () => {
    await stream?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it("the Kubernetes base's memory limit holds the default budget (limit = baseline + factor x budget)", () => {
    const manifest = readFileSync(join(__dirname, '../deploy/k8s/base/deployment.yaml'), 'utf8');
    const limit = Number(/limits:\s*\n(?:\s*#.*\n)*\s*memory:\s*(\d+)Mi/.exec(manifest)![1]) * MiB;
    const budget = loadConfig({}).ingress.bodyMemoryBudgetBytes;

    expect(limit).toBe(MEMORY.podLimitBytes);
    expect(memoryLimitFor(budget)).toBeLessThanOrEqual(limit);
    expect(budget).toBeGreaterThanOrEqual(32 * MiB); // 32 bodies of the 1 MiB limit at once
  });

  /** `count` connections, each sending `head` and all of `body` but its last byte, then held. */
  /**
   * `count` connections, each sending `head` and all of `body` but its last byte, held; with
   * `finish`, the last bytes then all go at once and every answer is awaited.
   */
  async function uploads(count: number, head: () => string, body: Buffer, { finish = false } = {}) {
    const { port } = new URL(gateway.url);
    const answers: string[] = new Array<string>(count).fill('');
    const sockets: Socket[] = [];
    const closed: Promise<void>[] = [];
    await Promise.all(
      Array.from(
        { length: count },
        (_, i) =>
          new Promise<void>((resolve) => {
            const socket = connect(Number(port), '127.0.0.1', () => {
              socket.write(head());
              socket.write(body.subarray(0, body.length - 1), () => resolve());
            });
            sockets.push(socket);
            closed.push(new Promise((done) => socket.on('close', () => done())));
            socket.on('data', (d: Buffer) => (answers[i] += d.toString()));
            // Refused connections are closed by the gateway while we still write: that is the point.
            socket.on('error', () => resolve());
            socket.on('close', () => resolve());
          }),
      ),
    );
    // Every connection either had its answer (refused from the headers or the budget) or is
    // being read; give the admitted ones time to take in all they were sent (when they are to be
    // finished, well within the 2.5 s a webhook is answered in, counted from its headers).
    await new Promise((r) => setTimeout(r, finish ? 300 : 1500));
    if (finish) {
      for (const socket of sockets) if (!socket.destroyed) socket.write(body.subarray(body.length - 1));
      await Promise.all(closed); // each request says Connection: close, so its answer ends it
    }
    const peak = status('VmHWM');
    for (const socket of sockets) socket.destroy();
    return { peak, statuses: answers.map(statusOf), answers };
  }

  const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
  const headFor = (headers: Record<string, string>, length = BODY_BYTES) =>
    `POST /webhooks/tradingview HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${length}\r\nConnection: close\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;
  const paddedAlert = (bytes = BODY_BYTES) => {
    const prefix = `{"ticker":"BTCUSDT","action":"buy","id":"${randomUUID()}","pad":"`;
    return Buffer.from(prefix + 'a'.repeat(bytes - prefix.length - 2) + '"}');
  };
  const admittable = Math.floor(BUDGET / BODY_BYTES);

  it('400 stale-timestamp uploads of ~1 MB are refused from their headers: 401, the bodies never read', async () => {
    const stale = Math.floor(Date.now() / 1000) - 3600;
    const refusedBefore = await refusedWith('stale_timestamp');
    await budgetFree();
    const before = status('VmRSS');
    resetPeak();
    const { peak, statuses } = await uploads(
      400,
      () => headFor(signed('not-the-secret', 'x', { ts: stale })),
      paddedAlert(),
    );

    expect(statuses.filter((s) => s !== 401 && s !== 0)).toEqual([]);
    expect((await refusedWith('stale_timestamp')) - refusedBefore).toBe(400);
    expect(peak - before).toBeLessThan(GROWTH_BOUND);
  });

  it('400 fresh but forged uploads of ~1 MB: at most the budget is read, the rest 503 + Retry-After at once', async () => {
    const refusedBefore = await refusedWith('overloaded');
    await budgetFree();
    const before = status('VmRSS');
    resetPeak();
    const { peak, statuses, answers } = await uploads(
      400,
      () => headFor(signed('not-the-secret', 'x')),
      paddedAlert(),
    );

    // The admitted ones (at most BUDGET / body) are still waiting for their last byte.
    expect((await refusedWith('overloaded')) - refusedBefore).toBeGreaterThanOrEqual(400 - admittable);
    expect(statuses.filter((s) => s !== 503 && s !== 0)).toEqual([]);
    const refused = answers.filter((a) => statusOf(a) === 503);
    expect(
      refused.every((a) => /\r\nretry-after: \d+\r\n/i.test(a) && a.includes('"code":"overloaded"')),
    ).toBe(true);
    expect(peak - before).toBeLessThan(GROWTH_BOUND);
  });

  it('200 signed near-1 MiB alerts at once: at most the budget admitted, each one stored, all within the bound', async () => {
    // All 200 bodies arrive together, each held back by its last byte until all are sent. A little
    // under BODY_BYTES, so that each event built from one fits the server's 1 MiB max_payload.
    const bytes = BODY_BYTES - 8_000;
    const body = paddedAlert(bytes);
    const refusedBefore = await refusedWith('overloaded');
    const storedBefore = await stream.count();
    await budgetFree();
    const before = status('VmRSS');
    resetPeak();
    const { peak, answers } = await uploads(
      200,
      () => headFor({ 'idempotency-key': randomUUID(), ...signed(SECRET, body.toString()) }, bytes),
      body,
      { finish: true },
    );

    // Admitted: read, then stored: 202 and its two events. The store's deadline counts from a
    // body's last byte, so the time the client took to send 200 uploads is never the store's.
    const admitted = answers.filter((a) => statusOf(a) !== 0 && !a.includes('"code":"overloaded"'));
    expect(admitted.length).toBeGreaterThan(0);
    expect(admitted.length).toBeLessThanOrEqual(admittable);
    expect(admitted.filter((a) => statusOf(a) !== 202)).toEqual([]);
    expect((await stream.count()) - storedBefore).toBe(2 * admitted.length);
    expect((await refusedWith('overloaded')) - refusedBefore).toBeGreaterThanOrEqual(200 - admittable);
    expect(peak - before).toBeLessThan(GROWTH_BOUND);
  });

  it('still serves an ordinary signed alert afterwards', async () => {
    const body = JSON.stringify({ ticker: 'BTCUSDT', action: 'buy', id: randomUUID() });
    const reply = await fetch(`${gateway.url}/webhooks/tradingview`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...signed(SECRET, body) },
    });

    expect(reply.status).toBe(202);
  });
});
