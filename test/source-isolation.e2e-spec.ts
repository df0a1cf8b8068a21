import { connect, Socket } from 'node:net';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { samplesOf } from './support/exposition';
import { TestNatsServer } from './support/nats-server';
import {
  countByStatus,
  customRequest,
  sendSpread,
  sendingSeconds,
  sendTimed,
  slowest,
  tradingViewRequest,
} from './support/timed';
import { waitFor } from './support/wait-for';

// docs/contract.md 6.4: one source's flood, of requests or of slow writes, never takes what the others
// need. Each source has its own bucket and in-flight cap; TradingView is marked critical.
describe('sources under pressure', () => {
  const STREAM = 'e2e-isolation';
  let nats: TestNatsServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      API_KEY_HMAC_SECRET: SECRET,
      // Info: the webhook lines say when the gateway took and answered each request.
      ALLOWED_SOURCES: 'tradingview,acme-bot,capped-bot,shaped-bot',
      SOURCE_POLICY: [
        'tradingview:priority=critical',
        'acme-bot:rate=10,burst=10',
        'capped-bot:rate=4,burst=1,in_flight=2',
        'shaped-bot:rate=10,burst=1',
      ].join(';'),
    }).start();
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  const metric = async (name: string, labels: Record<string, string>): Promise<number | undefined> => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    return samplesOf(text).find(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )?.value;
  };

  /** The gateway's own count of a source's answers, and of those that left within 2.5 s. */
  const answers = async (source: string) => ({
    all: await metric('gateway_webhook_duration_seconds_count', { source }),
    withinBudget: await metric('gateway_webhook_duration_seconds_bucket', { source, le: '2.5' }),
  });

  /**
   * From the gateway's log lines of `source` (waiting for all `count`, written asynchronously):
   * seconds from the first request's arrival (its line's time less its latency) to the last 202's
   * answer.
   */
  const answeredWindow = async (source: string, count: number) => {
    const ofSource = () => gateway.logLines().filter((l) => l.source === source && 'latency_ms' in l);
    await waitFor(() => ofSource().length >= count, `${count} log lines of ${source}`);
    const lines = ofSource().map((l) => ({
      at: Date.parse(String(l.time)),
      ms: Number(l.latency_ms),
      status: l.status,
    }));
    const firstArrival = Math.min(...lines.map((l) => l.at - l.ms));
    const lastAccepted = Math.max(...lines.filter((l) => l.status === 202).map((l) => l.at));
    return { acceptedSeconds: (lastAccepted - firstArrival) / 1000 };
  };

  it('shows every source at zero before its first webhook', async () => {
    for (const source of ['tradingview', 'acme-bot', 'capped-bot', 'shaped-bot']) {
      expect(await metric('gateway_source_in_flight', { source })).toBe(0);
      expect(await metric('gateway_source_refusals_total', { source, reason: 'rate_limited' })).toBe(0);
      expect(await metric('gateway_source_refusals_total', { source, reason: 'in_flight' })).toBe(0);
      expect(await metric('gateway_source_shaping_delay_seconds_count', { source })).toBe(0);
    }
  });

  it('a bot flooding at 20x its rate and with slow bodies leaves a critical source 100% 2xx', async () => {
    // 50 connections that send headers and then a byte of body every 200 ms.
    const slow: Socket[] = Array.from({ length: 50 }, () => slowBody(gateway.url));
    const trickle = setInterval(() => slow.forEach((s) => s.writable && s.write('x')), 200);
    try {
      const [bot, critical] = await Promise.all([
        // 200 requests/s for 3 s against 10/s.
        sendSpread(
          Array.from({ length: 600 }, () => customRequest(gateway.url, 'acme-bot')),
          3000,
        ),
        // 20 alerts/s meanwhile.
        sendSpread(
          Array.from({ length: 60 }, () => tradingViewRequest(gateway.url)),
          3000,
        ),
      ]);

      const botCounts = countByStatus(bot);
      process.stdout.write(
        `flood: bot ${JSON.stringify(botCounts)} over ${sendingSeconds(bot).toFixed(2)} s, critical ` +
          `${JSON.stringify(countByStatus(critical))}, slowest ${Math.round(slowest([...bot, ...critical]))} ms\n`,
      );
      expect(countByStatus(critical)).toEqual({ 202: 60 });
      expect(Object.keys(botCounts).sort()).toEqual(expect.arrayContaining(['202', '429']));
      expect(Object.keys(botCounts).every((s) => ['202', '429', '503'].includes(s))).toBe(true);
      // Held to its rate by the gateway's own clock: every 202 took a token between the first
      // arrival and its own answer (a wait for a token reserved ahead included), so no more than
      // the burst plus 10/s over that window; far below the 600 it sent.
      const window = await answeredWindow('acme-bot', 600);
      expect(botCounts[202]).toBeLessThanOrEqual(10 + 10 * window.acceptedSeconds);
      // Every answer left the gateway within the 2.5 s budget (the gateway's own measure).
      expect(await answers('tradingview')).toEqual({ all: 60, withinBudget: 60 });
      expect(await answers('acme-bot')).toEqual({ all: 600, withinBudget: 600 });
    } finally {
      clearInterval(trickle);
      slow.forEach((s) => s.destroy());
    }
  }, 30_000);

  it('caps a source in flight: beyond it 503 source_busy for that source only, nonce released', async () => {
    await sendTimed(customRequest(gateway.url, 'capped-bot')); // spends its burst of 1
    const requests = Array.from({ length: 4 }, () => customRequest(gateway.url, 'capped-bot'));

    // 4/s: the first two wait 250 and 500 ms for their tokens and hold both in-flight slots.
    const [capped, other] = await Promise.all([
      Promise.all(requests.map(sendTimed)),
      new Promise((r) => setTimeout(r, 100)).then(() => sendTimed(tradingViewRequest(gateway.url))),
    ]);

    expect(capped.map((r) => r.status).sort()).toEqual([202, 202, 503, 503]);
    const busy = capped.filter((r) => r.status === 503);
    expect(busy.map((r) => [r.code, r.retryAfter])).toEqual([
      ['source_busy', 1],
      ['source_busy', 1],
    ]);
    expect(other.status).toBe(202);
    expect(await metric('gateway_source_refusals_total', { source: 'capped-bot', reason: 'in_flight' })).toBe(
      2,
    );
    expect(await metric('gateway_source_in_flight', { source: 'capped-bot' })).toBe(0);
    // A 503 is "retry later": the very same signed request is taken once a slot is free.
    const retry = await sendTimed(requests[capped.findIndex((r) => r.status === 503)]);
    expect(retry.status).toBe(202);
  });

  it('shapes a source over its rate into waits within the budget, then 429 with an honest Retry-After', async () => {
    await sendTimed(customRequest(gateway.url, 'shaped-bot')); // spends its burst of 1
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => sendTimed(customRequest(gateway.url, 'shaped-bot'))),
    );

    // 10/s and 700 ms of wait (2200 ms store budget - 1500 ms publish timeout): 7 tokens ahead.
    const accepted = replies.filter((r) => r.status === 202);
    const limited = replies.filter((r) => r.status === 429);
    expect(accepted.length + limited.length).toBe(20);
    expect(accepted.length).toBeGreaterThanOrEqual(6);
    expect(accepted.length).toBeLessThanOrEqual(8);
    expect(Math.max(...accepted.map((r) => r.ms))).toBeGreaterThanOrEqual(600); // really waited
    // Every answer left the gateway within the 2.5 s budget (the gateway's own measure).
    expect(await answers('shaped-bot')).toEqual({ all: 21, withinBudget: 21 }); // with the first one
    expect(new Set(limited.map((r) => r.code))).toEqual(new Set(['rate_limited']));
    const retryAfter = Math.max(...limited.map((r) => r.retryAfter ?? 0));
    expect(retryAfter).toBeGreaterThanOrEqual(1);

    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    expect((await sendTimed(customRequest(gateway.url, 'shaped-bot'))).status).toBe(202);
    const delays = await metric('gateway_source_shaping_delay_seconds_count', { source: 'shaped-bot' });
    expect(delays).toBeGreaterThanOrEqual(accepted.length + 2);
  });
});

/** A connection that sends a webhook's headers and then its body far too slowly. */
function slowBody(baseUrl: string): Socket {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname, () => {
    socket.write(
      'POST /webhooks/custom HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{',
    );
  });
  socket.on('error', () => undefined);
  return socket;
}
