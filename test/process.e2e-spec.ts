import { request } from 'node:http';
import { SECRET } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';
import { refusesConnections, waitFor } from './support/wait-for';

// The built gateway as a process: configuration errors, request logs, and SIGTERM.
describe('the gateway process', () => {
  let nats: TestNatsServer;
  const env = () => ({
    NATS_URL: nats.url,
    NATS_STREAM: 'e2e-process',
    API_KEY_HMAC_SECRET: SECRET,
    TRADINGVIEW_PASSPHRASE: 'pass-phrase-never-logged',
  });

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
  });

  afterAll(async () => {
    await nats?.dispose();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ ENV: 'production', API_KEY_HMAC_SECRET: '' }, 'API_KEY_HMAC_SECRET'],
    [{ RATE_LIMIT_RPS: '-1' }, 'RATE_LIMIT_RPS'],
    [{ NATS_PUBLISH_TIMEOUT_MS: '5000' }, 'NATS_PUBLISH_TIMEOUT_MS'],
    [{ EVENT_SCHEMA_VERSION: 'v2' }, 'EVENT_SCHEMA_VERSION'],
    [{ NATS_URL: 'http://127.0.0.1:4222' }, 'NATS_URL'],
  ])('a bad %o stops it before it listens, with one line naming %s', async (bad, name) => {
    const gateway = new GatewayProcess({ ...env(), ...bad });
    await gateway.start({ waitForReady: false });
    const { code } = await gateway.exited;
    const lines = gateway.output.join('').trim().split('\n');

    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
  });

  it('reports every mistake of the source policy, one line each, before it listens', async () => {
    const gateway = new GatewayProcess({
      ...env(),
      ALLOWED_SOURCES: 'tradingview,acme-bot',
      SOURCE_POLICY: 'tradingview:burst=0;acme-bot:priority=urgent;stranger:rate=1',
    });
    await gateway.start({ waitForReady: false });
    const { code } = await gateway.exited;
    const lines = gateway.output.join('').trim().split('\n');

    expect(code).toBe(1);
    expect(lines).toEqual([
      'at-gateway: invalid configuration: SOURCE_POLICY tradingview: burst must be between 1 and 1000000 (got 0)',
      'at-gateway: invalid configuration: SOURCE_POLICY acme-bot: priority must be one of critical, normal',
      'at-gateway: invalid configuration: SOURCE_POLICY names stranger, which is not in ALLOWED_SOURCES',
    ]);
  });

  // No interceptor ever sees a request a guard refuses: the telemetry middleware records it when
  // its answer leaves (docs/architecture.md, "Where every answer is counted").
  it("counts and logs a guard's refusal once: a wrong key's 401", async () => {
    const gateway = await new GatewayProcess(env()).start();
    try {
      const body = tradingViewAlert();
      const reply = await post(`${gateway.url}/webhooks/tradingview`, body, {
        'content-type': 'application/json',
        ...signed('not-the-secret', body),
      });
      expect(reply.status).toBe(401);
      const line = await gateway.webhookLine(reply);
      expect(line).toMatchObject({
        level: 'info',
        msg: 'webhook refused',
        status: 401,
        source: 'tradingview',
        code: 'invalid_signature',
      });
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toMatch(/^gateway_webhooks_received_total\{source="tradingview",status="401"\} 1$/m);
      expect(metrics).toMatch(
        /^gateway_webhooks_rejected_total\{source="tradingview",code="invalid_signature"\} 1$/m,
      );
      await gateway.logSettled();
      expect(gateway.logLines().filter((l) => l.corr_id === line.corr_id)).toHaveLength(1);
    } finally {
      await gateway.stop();
    }
  });

  it('writes one JSON line per webhook with the operator fields, and no secret or signature', async () => {
    const gateway = await new GatewayProcess(env()).start();
    try {
      const body = tradingViewAlert();
      const headers = signed(SECRET, body);
      // One id chosen by the caller (echoed), one offered as X-Request-Id, one left to the gateway.
      const replies = [
        await post(`${gateway.url}/webhooks/tradingview`, body, {
          'content-type': 'application/json',
          'x-correlation-id': 'corr-process-accepted',
          ...headers,
        }),
        await post(`${gateway.url}/webhooks/tradingview`, body, {
          'content-type': 'application/json',
          'x-request-id': 'corr-process-refused',
          ...signed('wrong', body),
        }),
        await post(`${gateway.url}/webhooks/custom`, '{}', { 'content-type': 'application/json' }),
      ];
      const ids = replies.map((r) => r.headers.get('x-correlation-id'));
      expect(ids.slice(0, 2)).toEqual(['corr-process-accepted', 'corr-process-refused']);
      expect(ids[2]).toMatch(/^[0-9a-f-]{36}$/);
      await gateway.webhookLine(replies[2]);

      // Each line carries its own request's id, the one its answer echoed: one line per request.
      const requests = gateway.logLines().filter((l) => typeof l.validation_status === 'string');
      expect(requests.map((l) => l.corr_id)).toEqual(ids);
      expect(requests[0]).toMatchObject({
        level: 'info',
        source: 'tradingview',
        instrument: 'BTCUSDT',
        validation_status: 'valid',
        status: 202,
        latency_ms: expect.any(Number),
      });
      expect(requests[0].event_id).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
      expect(requests[1]).toMatchObject({
        status: 401,
        code: 'invalid_signature',
        detail: 'the signature does not match the request',
        level: 'info',
      });
      expect(requests[2]).toMatchObject({ status: 401, code: 'missing_signature', level: 'info' });
      const logs = gateway.output.join('');
      expect(logs).not.toContain(SECRET);
      expect(logs).not.toContain(headers['x-signature'].slice(7));
      expect(logs).not.toContain('pass-phrase-never-logged');
    } finally {
      await gateway.stop();
    }
  });

  it('answers its probes with Cache-Control: no-store, ready or not', async () => {
    const gateway = await new GatewayProcess({ ...env(), SHUTDOWN_DELAY_MS: '5000' }).start();
    try {
      const probe = async (path: string) => {
        const res = await fetch(`${gateway.url}${path}`);
        return [path, res.status, res.headers.get('cache-control')];
      };
      expect([await probe('/healthz'), await probe('/readyz')]).toEqual([
        ['/healthz', 200, 'no-store'],
        ['/readyz', 200, 'no-store'],
      ]);
      // Not ready from SIGTERM on: a cached 200 would keep the load balancer sending here.
      gateway.signal('SIGTERM');
      await waitFor(async () => (await fetch(`${gateway.url}/readyz`)).status === 503);
      expect([await probe('/healthz'), await probe('/readyz')]).toEqual([
        ['/healthz', 200, 'no-store'],
        ['/readyz', 503, 'no-store'],
      ]);
    } finally {
      await gateway.stop();
    }
  });

  it('says why in each refusal line: the source refused on /webhooks/custom, the path of a 404', async () => {
    const gateway = await new GatewayProcess(env()).start();
    try {
      const custom = JSON.stringify({ source: 'acme-bot', instrument: 'ETHUSDT', action: 'buy' });
      const refused = await post(`${gateway.url}/webhooks/custom`, custom, {
        'content-type': 'application/json',
        ...signed(SECRET, custom),
      });
      const body = tradingViewAlert();
      await post(`${gateway.url}/webhooks/nope?token=kept-out`, body, {
        'content-type': 'application/json',
        ...signed(SECRET, body),
      });
      await waitFor(() => gateway.logLines().filter((l) => l.msg === 'webhook refused').length === 2);

      expect(refused.json).toMatchObject({
        code: 'source_not_allowed',
        detail: expect.stringMatching(/"acme-bot".*ALLOWED_SOURCES/),
      });
      const [forbidden, missing] = gateway.logLines().filter((l) => l.msg === 'webhook refused');
      expect(forbidden).toMatchObject({ status: 403, source: 'custom', refused_source: 'acme-bot' });
      expect(forbidden.detail).toContain('ALLOWED_SOURCES');
      expect(missing).toMatchObject({ status: 404, code: 'not_found', path: '/webhooks/nope' });
    } finally {
      await gateway.stop();
    }
  });

  it("starts with one line naming the port, the routes and the allowed sources, and none of Nest's narration", async () => {
    const gateway = await new GatewayProcess({ ...env(), ALLOWED_SOURCES: 'tradingview,acme-bot' }).start();
    try {
      await waitFor(() => gateway.logLines().some((l) => l.context === 'Lifecycle'));
      const lines = gateway.logLines();
      const start = lines.find((l) => l.context === 'Lifecycle');
      const port = new URL(gateway.url).port;

      expect(start?.msg).toContain(`:${port}`);
      expect(start?.msg).toMatch(/\/webhooks\/tradingview, \/webhooks\/custom/);
      expect(start?.msg).toContain('allowed sources (ALLOWED_SOURCES): tradingview, acme-bot');
      const framework = ['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory'];
      expect(lines.filter((l) => framework.includes(String(l.context)))).toEqual([]);
    } finally {
      await gateway.stop();
    }
  });

  it('in development, Ctrl-C (SIGINT) stops without the load-balancer delay, saying so in one line per step', async () => {
    const gateway = await new GatewayProcess({ ...env(), ENV: 'development' }).start();
    gateway.signal('SIGINT');

    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    const said = gateway
      .logLines()
      .filter((l) => l.context === 'Lifecycle')
      .map((l) => l.msg);
    expect(said).toEqual([
      expect.stringMatching(/^serving on /),
      expect.stringMatching(/^SIGINT: stopping now: finishing requests in flight and draining NATS/),
      'stopped: requests finished, NATS drained; exit 0',
    ]);
  });

  it('a start on a port still in use ends with one line saying so, not a stack trace', async () => {
    const first = await new GatewayProcess(env()).start();
    try {
      const second = new GatewayProcess(env());
      await second.start({ waitForReady: false, port: Number(new URL(first.url).port) });
      const { code } = await second.exited;
      const output = second.output.join('');
      const plain = output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));

      expect(code).toBe(1);
      expect(plain).toEqual([expect.stringMatching(/^at-gateway: cannot listen on .*: the port is in use/)]);
      expect(output).not.toMatch(/^\s+at /m);
    } finally {
      await first.stop();
    }
  });

  it('SIGTERM: a request still arriving completes with 202, then the process exits 0', async () => {
    // Past SHUTDOWN_DELAY_MS (the listener open for the load balancer), in the drain itself.
    const gateway = await new GatewayProcess({ ...env(), SHUTDOWN_DELAY_MS: '100' }).start();
    const body = tradingViewAlert();
    const req = request(`${gateway.url}/webhooks/tradingview`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...signed(SECRET, body),
      },
    });
    const status = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
    });
    // Half the body is sent when SIGTERM arrives; the rest once the gateway has stopped taking
    // connections, in the drain itself.
    await new Promise<void>((resolve) => req.write(body.slice(0, 20), () => resolve()));
    gateway.signal('SIGTERM');
    await waitFor(() => refusesConnections(`${gateway.url}/healthz`), 'the listener to close');
    req.end(body.slice(20));

    expect(await status).toBe(202);
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
  });
});
