import { setTimeout as sleep } from 'node:timers/promises';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { acceptedButNotStoredOnce, Outcome, signedLoad, statusCounts } from './support/load';
import { TestNatsServer } from './support/nats-server';
import { rawHttp, RawReply } from './support/raw-http';
import { signed, tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';

const SHUTDOWN_DELAY_MS = 1000;

/** A keep-alive webhook on its own connection; rawHttp returns once the server closes it. */
function keepAliveWebhook(url: string): Promise<RawReply> {
  const body = tradingViewAlert();
  const headers = Object.entries({ ...signed(SECRET, body), 'content-type': 'application/json' });
  const request =
    `POST /webhooks/tradingview HTTP/1.1\r\nHost: gateway\r\nConnection: keep-alive\r\n` +
    headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  return rawHttp(url, [request]);
}

// A rolling deploy as one replica sees it: SIGTERM arrives while webhooks keep coming. For
// SHUTDOWN_DELAY_MS readiness fails while webhooks are still answered, each answer closing its
// connection (docs/contract.md 6.3); then later ones find the door shut (a load balancer has sent them
// to another replica by then: test/rolling-restart-lb.e2e-spec.ts); nothing answered 2xx is lost,
// and the process exits 0.
describe('rolling shutdown: SIGTERM under load', () => {
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let outcomes: Outcome[];
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  let readyDuringDelay: number;
  let webhookDuringDelay: RawReply;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-rolling',
      API_KEY_HMAC_SECRET: SECRET,
      RATE_LIMIT_RPS: '100000',
      LOG_LEVEL: 'warn',
      SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
    }).start();

    const terminated = (async () => {
      await sleep(1500);
      gateway.signal('SIGTERM');
      await sleep(100);
      readyDuringDelay = (await fetch(`${gateway.url}/readyz`)).status;
      webhookDuringDelay = await keepAliveWebhook(gateway.url);
      exit = await gateway.exited;
      await sleep(200); // a few senders meet the closed port, as they would behind a load balancer
    })();
    outcomes = await signedLoad(gateway.url, { concurrency: 8, until: terminated });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
  });

  it('exits 0', () => {
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('fails readiness at once after SIGTERM, yet answers webhooks and closes their keep-alive connections', () => {
    expect(readyDuringDelay).toBe(503);
    expect(webhookDuringDelay.status).toBe(202);
    expect(webhookDuringDelay.text).toMatch(/^connection: close\r$/im);
  });

  it('answers 202 until it stops taking connections, then only shuts the door: refused or reset before a byte was read', () => {
    const counts = statusCounts(outcomes);
    expect(counts['202']).toBeGreaterThan(0);
    expect(counts['0']).toBeGreaterThan(0);
    // No 5xx: everything taken in was published before NATS was drained.
    expect(Object.keys(counts).sort()).toEqual(['0', '202']);
    // Without an answer means the door was shut: the port refused the connection, or a connection
    // made just before the listener closed, whose request the busy process had not yet read, was
    // closed as idle with the others (Node counts a connection idle until a request is parsed on
    // it): reset, or closed with a FIN that the client reports as `UND_ERR_SOCKET` "other side
    // closed" (seen once in CI on Node 26), and nothing of it stored (checked below: a request
    // whose answer was cut short after its event was stored would fail that census). Never a
    // timeout or an aborted request.
    const unanswered = outcomes.filter((o) => o.status === 0);
    const doorShut = (o: Outcome) =>
      ['ECONNREFUSED', 'ECONNRESET'].includes(o.errorCode!) ||
      (o.errorCode === 'UND_ERR_SOCKET' && o.code === 'other side closed');
    expect(unanswered.filter((o) => !doorShut(o))).toEqual([]);
    expect(unanswered.filter((o) => o.errorCode === 'ECONNREFUSED').length).toBeGreaterThan(0);
  });

  it('stored every 202 exactly once, and nothing else', async () => {
    const reader = await StreamReader.open(nats.url, 'e2e-rolling');
    const stored = await reader.census();
    await reader.close();
    expect(acceptedButNotStoredOnce(outcomes, stored)).toEqual([]);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    // And nothing else: no request that went unanswered was stored (raw + normalized per 202,
    // the keep-alive webhook's included).
    const accepted = [
      ...outcomes.filter((o) => o.status === 202).map((o) => o.eventId),
      webhookDuringDelay.json.event_id,
    ];
    expect([...stored.keys()].sort()).toEqual(
      accepted.flatMap((id) => [`signals.normalized ${id}`, `signals.raw ${id}`]).sort(),
    );
  });
});
