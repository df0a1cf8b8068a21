import {
  createAccount,
  createOperator,
  createUser,
  encodeAccount,
  encodeOperator,
  encodeUser,
  fmtCreds,
} from '@nats-io/jwt';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCa } from './support/certs';
import { GatewayProcess } from './support/gateway-process';
import { TestNatsServer } from './support/nats-server';
import { waitFor } from './support/wait-for';
import { sendSigned, tradingViewAlert } from './support/signing';

// docs/contract.md 6.1: refused credentials or an untrusted server certificate: the gateway keeps
// trying (no exit, no crash loop), /readyz is 503, webhooks get 503 (never 500), and the log
// says why in one line, not one line per retry.
const SECRET = 'e2e-secret-0f9c2b';
const PASSWORD = 'right-password-7d1e';
const WRONG = 'wrong-password-5a2c';

describe('NATS refusing the gateway', () => {
  const ca = new TestCa('trusted-ca');
  const otherCa = new TestCa('untrusted-ca');
  const servers: TestNatsServer[] = [];
  let gateway: GatewayProcess | undefined;

  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.dispose()));
    ca.dispose();
    otherCa.dispose();
  });

  /** `gateway_nats_failures_total{cause}`: every failure counted, logged or not. */
  const failuresOf = async (cause: string) =>
    Number(
      new RegExp(`^gateway_nats_failures_total\\{cause="${cause}"\\} (\\d+)$`, 'm').exec(
        await (await fetch(`${gateway!.url}/metrics`)).text(),
      )?.[1] ?? 0,
    );

  /** Runs the gateway for a few seconds of retries against `server`, then checks what a user sees. */
  async function refusedWith(config: string, env: Record<string, string>, cause: string): Promise<string[]> {
    const server = await new TestNatsServer(config).start();
    servers.push(server);
    gateway = await new GatewayProcess({
      NATS_URL: server.url,
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview',
      ...env,
    }).start({ waitForReady: false });
    // Until it listens (after its wait for NATS at start), has been refused twice (it keeps
    // trying) and has logged the cause.
    const listening = () =>
      fetch(`${gateway!.url}/healthz`).then(
        () => true,
        () => false,
      );
    await waitFor(listening, 'the gateway to listen', 20_000);
    await waitFor(async () => (await failuresOf(cause)) > 1, `two ${cause} failures`, 20_000);
    await gateway.logLine((l) => String(l.msg).startsWith(`NATS ${cause}:`));

    expect(gateway.output.join('')).not.toMatch(/exiting|"level":"fatal"/);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    const reply = await sendSigned(gateway.url, 'tradingview', tradingViewAlert());
    expect(reply.status).toBe(503);
    expect(reply.json.code).toBe('nats_unavailable');
    const health = (await (await fetch(`${gateway.url}/healthz`)).json()) as {
      status: string;
      nats_failing: { cause: string };
    };
    expect(health.status).toBe('ok');
    expect(health.nats_failing.cause).toBe(cause);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^gateway_nats_failing\\{cause="${cause}"\\} 1$`, 'm'));
    expect(await failuresOf(cause)).toBeGreaterThan(1); // it kept trying...

    const lines = gateway
      .logLines()
      .map((l) => String(l.msg))
      .filter((m) => m.startsWith('NATS '));
    expect(lines.filter((m) => m.includes(cause))).toHaveLength(1); // ...and said so once
    return lines;
  }

  it('wrong password: one auth_refused line, never the password', async () => {
    const lines = await refusedWith(
      `authorization { users = [ { user: gw, password: "${PASSWORD}" } ] }`,
      { NATS_USER: 'gw', NATS_PASSWORD: WRONG },
      'auth_refused',
    );
    expect(gateway!.output.join('')).not.toContain(WRONG);
    expect(lines.join('\n')).toContain('Authorization Violation');
  });

  it('a server certificate from an untrusted CA: one tls line', async () => {
    const cert = ca.server();
    const lines = await refusedWith(
      `tls { cert_file: "${cert.cert}", key_file: "${cert.key}" }`,
      { NATS_TLS_CA_FILE: otherCa.ca.cert },
      'tls',
    );
    expect(lines.join('\n')).toMatch(/certificate/);
  });

  it('a JWT that expires while running: keeps trying, not ready, and says the credentials expired', async () => {
    const operator = createOperator();
    const system = createAccount();
    const account = createAccount();
    const user = createUser();
    const limits = {
      ...{ subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 },
      ...{ disk_storage: -1, mem_storage: -1, streams: -1, consumer: -1 },
    };
    const [operatorJwt, systemJwt, accountJwt] = await Promise.all([
      encodeOperator('test-operator', operator),
      encodeAccount('SYS', system, {}, { signer: operator }),
      encodeAccount('gateway', account, { limits }, { signer: operator }),
    ]);
    // Long enough for the gateway to start and store one signal first, even on a busy machine.
    const expiresAt = Math.floor(Date.now() / 1000) + 12;
    const creds = join(ca.dir, 'expiring.creds');
    writeFileSync(creds, fmtCreds(await encodeUser('gateway', user, account, {}, { exp: expiresAt }), user));
    const server = await new TestNatsServer(
      [
        `operator: ${operatorJwt}`,
        `system_account: ${system.getPublicKey()}`,
        'resolver: MEMORY',
        `resolver_preload: { ${system.getPublicKey()}: ${systemJwt}, ${account.getPublicKey()}: ${accountJwt} }`,
      ].join('\n'),
    ).start();
    servers.push(server);
    gateway = await new GatewayProcess({
      NATS_URL: server.url,
      NATS_CREDS_FILE: creds,
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview',
    }).start();
    expect((await sendSigned(gateway.url, 'tradingview', tradingViewAlert())).status).toBe(202);

    // Expired, then refused at every attempt: until it has been refused three times.
    await gateway.logLine((l) => String(l.msg).startsWith('NATS auth_refused:'), 30_000);
    await waitFor(async () => (await failuresOf('auth_refused')) >= 3, 'three refusals', 20_000);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    expect((await sendSigned(gateway.url, 'tradingview', tradingViewAlert())).status).toBe(503);
    const lines = gateway
      .logLines()
      .map((l) => String(l.msg))
      .filter((m) => m.startsWith('NATS '));
    expect(lines[0]).toMatch(/^NATS auth_expired: .*AUTHENTICATION_EXPIRED/);
    process.stdout.write(`JWT expiry, NATS log lines: ${JSON.stringify(lines)}\n`);
    // The server compares whole seconds: a reconnect within the second the JWT expires is still
    // let in (the gateway may see its stream and log a recovery) and cut off again at once, seen
    // as a disconnect, the expiry, or both. Attempts are at least 200 ms apart (nats.js waits
    // reconnectTimeWait, 250 ms; a fresh connection waits the gateway's backoff, 250 ms +/- 20%),
    // so at most 5 such flaps fit in that second. From the next second on every attempt is
    // refused (Authorization Violation): one line, and nothing after it, however many retries follow.
    const causes = lines.map((line) => /^NATS (\w+)/.exec(line)?.[1]).join(' ');
    const flap = 'recovered( unreachable| auth_expired| unreachable auth_expired)';
    expect(causes).toMatch(new RegExp(`^auth_expired( ${flap}){0,5} auth_refused$`));
    expect(gateway.output.join('')).not.toMatch(/exiting|"level":"fatal"/);
  }, 60_000);
});
