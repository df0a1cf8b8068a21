import { randomUUID } from 'node:crypto';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';

// docs/contract.md 1.1b: TradingView cannot sign, so with TRADINGVIEW_AUTH=token its route takes its
// published addresses plus a body passphrase. The built gateway runs as a process, so what it
// logs is checked too.
describe('TRADINGVIEW_AUTH=token', () => {
  const STREAM = 'e2e-tradingview-token';
  const PASSPHRASE = 'tv-pass-new-5e27c1';
  const PREVIOUS = 'tv-pass-old-93b1d4';
  const WRONG = 'tv-pass-guess-0000';
  const TRADINGVIEW_ADDRESS = '52.89.214.238';
  const ELSEWHERE = '203.0.113.9';
  let nats: TestNatsServer;
  let stream: StreamReader;
  const gateways: GatewayProcess[] = [];

  async function gatewayWith(env: Record<string, string>): Promise<GatewayProcess> {
    const gateway = new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview,acme-bot',
      TRADINGVIEW_AUTH: 'token',
      TRADINGVIEW_PASSPHRASE: `${PREVIOUS}, ${PASSPHRASE}`,
      ...env,
    });
    gateways.push(gateway);
    return gateway.start();
  }

  /** A TradingView alert as posted to the gateway, or to the proxy in front of it. */
  const alert = (gateway: GatewayProcess, body: string, forwardedFor?: string, headers = {}) =>
    post(`${gateway.url}/webhooks/tradingview`, body, {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      ...headers,
    });

  async function storesNothing<T>(action: () => Promise<T>): Promise<T> {
    const before = (await stream.all()).length;
    const reply = await action();
    expect((await stream.all()).length).toBe(before);
    return reply;
  }

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    // The stream exists once a gateway started; open the reader after the first one.
  });

  afterAll(async () => {
    await stream?.close();
    for (const gateway of gateways) await gateway.stop();
    await nats?.dispose();
  });

  describe('behind a proxy on loopback (TRUST_PROXY=loopback), with TradingView addresses', () => {
    let gateway: GatewayProcess;

    beforeAll(async () => {
      gateway = await gatewayWith({ TRUST_PROXY: 'loopback' });
      stream = await StreamReader.open(nats.url, STREAM);
    });

    it('202 for an allowed address and the right passphrase; the passphrase is in no event and no log', async () => {
      const fields = { ticker: 'BTCUSDT', action: 'buy', contracts: '0.5', note: 'x' };
      const body = `{"ticker":"BTCUSDT","passphrase":"${PASSPHRASE}","action":"buy","contracts":"0.5","note":"x"}`;
      const reply = await alert(gateway, body, TRADINGVIEW_ADDRESS);

      expect(reply.status).toBe(202);
      const stored = await stream.about(reply.json.event_id);
      const raw = stored.find((m) => m.subject === 'signals.raw')!;
      const normalized = stored.find((m) => m.subject === 'signals.normalized')!;
      expect(raw.data.body).toBe(JSON.stringify(fields));
      expect(raw.data.idempotency_key).toMatch(/^sha256:/);
      expect(normalized.data).toMatchObject({
        instrument: 'BTCUSDT',
        action: 'buy',
        quantity: 0.5,
        extra: { note: 'x' },
      });
      expect(normalized.data.extra).not.toHaveProperty('passphrase');
      expect(JSON.stringify(stored)).not.toContain(PASSPHRASE);
      // Once its own line is written (asynchronously), the log has everything this request logs.
      expect(await gateway.webhookLine(reply)).toMatchObject({ status: 202 });
      expect(gateway.output.join('')).not.toContain(PASSPHRASE);
    });

    it('accepts the previous passphrase too, during a rotation', async () => {
      const reply = await alert(gateway, tradingViewAlert({ passphrase: PREVIOUS }), TRADINGVIEW_ADDRESS);

      expect(reply.status).toBe(202);
    });

    it('401 invalid_passphrase for a wrong one and missing_passphrase without one; nothing stored', async () => {
      const wrong = await storesNothing(() =>
        alert(gateway, tradingViewAlert({ passphrase: WRONG }), TRADINGVIEW_ADDRESS),
      );
      const missing = await storesNothing(() => alert(gateway, tradingViewAlert(), TRADINGVIEW_ADDRESS));

      expect(wrong.status).toBe(401);
      expect(wrong.json.code).toBe('invalid_passphrase');
      expect(JSON.stringify(wrong.json)).not.toContain(WRONG);
      expect(missing.status).toBe(401);
      expect(missing.json.code).toBe('missing_passphrase');
    });

    it('403 address_not_allowed from an address outside TRADINGVIEW_IPS, right passphrase or not', async () => {
      const reply = await storesNothing(() =>
        alert(gateway, tradingViewAlert({ passphrase: PASSPHRASE }), ELSEWHERE),
      );

      expect(reply.status).toBe(403);
      expect(reply.json.code).toBe('address_not_allowed');
    });

    it('takes X-Forwarded-For only as far as the trusted hop: a left-most entry a client wrote is ignored', async () => {
      // The proxy appends the address it saw; the client made up the first entry.
      const spoofed = await storesNothing(() =>
        alert(gateway, tradingViewAlert({ passphrase: PASSPHRASE }), `${TRADINGVIEW_ADDRESS}, ${ELSEWHERE}`),
      );
      const direct = await alert(gateway, tradingViewAlert({ passphrase: PASSPHRASE }));

      expect(spoofed.status).toBe(403);
      expect(direct.status).toBe(403); // the proxy itself (loopback) is not TradingView
    });

    it('an HMAC signature does not stand in for the passphrase on the token route', async () => {
      const body = tradingViewAlert();
      const reply = await alert(gateway, body, TRADINGVIEW_ADDRESS, signed(SECRET, body));

      expect(reply.status).toBe(401);
      expect(reply.json.code).toBe('missing_passphrase');
    });

    it('other routes keep HMAC', async () => {
      const body = JSON.stringify({ source: 'acme-bot', instrument: 'ETHUSDT', action: 'sell' });
      const reply = await post(`${gateway.url}/webhooks/custom`, body, {
        'content-type': 'application/json',
        ...signed(SECRET, body),
      });

      expect(reply.status).toBe(202);
    });

    it('the same alert delivered twice is stored once (the body hash is the idempotency key)', async () => {
      const body = JSON.stringify({
        ticker: 'ETHUSDT',
        action: 'sell',
        passphrase: PASSPHRASE,
        n: randomUUID(),
      });
      const first = await alert(gateway, body, TRADINGVIEW_ADDRESS);
      const again = await alert(gateway, body, TRADINGVIEW_ADDRESS);

      expect(first.status).toBe(202);
      expect(again.status).toBe(200);
      expect(again.json.event_id).toBe(first.json.event_id);
    });

    it('401 stale_timestamp for an alert whose timenow is outside REPLAY_WINDOW_SEC', async () => {
      const old = new Date(Date.now() - 3600_000).toISOString();
      const fresh = new Date().toISOString();
      const stale = await storesNothing(() =>
        alert(gateway, tradingViewAlert({ passphrase: PASSPHRASE, timenow: old }), TRADINGVIEW_ADDRESS),
      );
      const current = await alert(
        gateway,
        tradingViewAlert({ passphrase: PASSPHRASE, timenow: fresh }),
        TRADINGVIEW_ADDRESS,
      );

      expect(stale.status).toBe(401);
      expect(stale.json.code).toBe('stale_timestamp');
      expect(current.status).toBe(202);
    });

    it('logs the refusals at info, with no passphrase, guess or error line', async () => {
      await gateway.logSettled();
      const lines = gateway.logLines();
      const refused = lines.filter((l) => l.msg === 'webhook refused');

      expect(refused.map((l) => l.code)).toEqual(
        expect.arrayContaining(['invalid_passphrase', 'missing_passphrase', 'address_not_allowed']),
      );
      expect(refused.every((l) => l.level === 'info' && !('err' in l) && !('stack' in l))).toBe(true);
      expect(lines.filter((l) => l.level === 'error')).toEqual([]);
      for (const secret of [PASSPHRASE, PREVIOUS, WRONG, SECRET])
        expect(gateway.output.join('')).not.toContain(secret);
    });
  });

  describe('without TRUST_PROXY', () => {
    it('ignores X-Forwarded-For: naming a TradingView address gets a client nowhere', async () => {
      const gateway = await gatewayWith({ TRADINGVIEW_IPS: `${TRADINGVIEW_ADDRESS},127.0.0.1/32` });
      const direct = await alert(gateway, tradingViewAlert({ passphrase: PASSPHRASE }));
      await gateway.stop();
      const gatewayWithDefaults = await gatewayWith({});
      const spoofed = await storesNothing(() =>
        alert(gatewayWithDefaults, tradingViewAlert({ passphrase: PASSPHRASE }), TRADINGVIEW_ADDRESS),
      );

      expect(direct.status).toBe(202); // the socket's own address counts
      expect(spoofed.status).toBe(403);
      expect(spoofed.json.code).toBe('address_not_allowed');
    });
  });

  describe('TRUST_PROXY=1 (one hop)', () => {
    it('takes the address the nearest hop appended, not the ones before it', async () => {
      const gateway = await gatewayWith({ TRUST_PROXY: '1' });
      const vouched = await alert(
        gateway,
        tradingViewAlert({ passphrase: PASSPHRASE }),
        `${ELSEWHERE}, ${TRADINGVIEW_ADDRESS}`,
      );
      const spoofed = await alert(
        gateway,
        tradingViewAlert({ passphrase: PASSPHRASE }),
        `${TRADINGVIEW_ADDRESS}, ${ELSEWHERE}`,
      );

      expect(vouched.status).toBe(202);
      expect(spoofed.status).toBe(403);
    });
  });
});
