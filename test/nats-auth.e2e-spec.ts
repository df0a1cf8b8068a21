import {
  createAccount,
  createOperator,
  createUser,
  encodeAccount,
  encodeOperator,
  encodeUser,
  fmtCreds,
} from '@nats-io/jwt';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionOptions, credsAuthenticator, nkeyAuthenticator } from 'nats';
import { TestCa } from './support/certs';
import { TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { sendSigned, tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';

// docs/contract.md 6.1: each way a production NATS authenticates its clients and encrypts the link,
// through the contract's variables, against a real nats-server configured that way.
const dir = mkdtempSync(join(tmpdir(), 'gw-auth-'));
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** Starts `server` and a gateway with `env`, sends one signal, reads its events back as `reader`. */
async function ingestsThrough(
  server: TestNatsServer,
  stream: string,
  env: Record<string, string>,
  reader: ConnectionOptions,
  url = server.url,
): Promise<void> {
  const gateway = await new TestGateway({ NATS_URL: url, NATS_STREAM: stream, ...env }).start();
  const events = await StreamReader.open(url, stream, reader);
  try {
    const reply = await sendSigned(gateway.url, 'tradingview', tradingViewAlert());
    expect(reply.status).toBe(202);
    expect((await events.about(reply.json.event_id)).map((m) => m.subject).sort()).toEqual([
      'signals.normalized',
      'signals.raw',
    ]);
    const health = (await (await fetch(`${gateway.url}/healthz`)).json()) as {
      nats_server: { address: string };
    };
    expect(health).toMatchObject({ nats: 'connected', stream_ready: true, nats_failing: null });
    expect(health.nats_server.address).toContain(String(server.port));
  } finally {
    await events.close();
    await gateway.stop();
  }
}

describe('a secured NATS (docs/contract.md 6.1)', () => {
  const servers: TestNatsServer[] = [];
  const ca = new TestCa();
  const serve = (config: string) => {
    const server = new TestNatsServer(config);
    servers.push(server);
    return server.start();
  };

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.dispose()));
    ca.dispose();
  });

  it('user and password: NATS_USER/NATS_PASSWORD, or in NATS_URL', async () => {
    const server = await serve('authorization { users = [ { user: gw, password: "s3cret-pw" } ] }');
    const reader = { user: 'gw', pass: 's3cret-pw' };
    await ingestsThrough(server, 'auth-userpass', { NATS_USER: 'gw', NATS_PASSWORD: 's3cret-pw' }, reader);
    await ingestsThrough(server, 'auth-userpass', {}, reader, `nats://gw:s3cret-pw@127.0.0.1:${server.port}`);
  });

  it('token: NATS_TOKEN', async () => {
    const server = await serve('authorization { token: "t0ken-value" }');
    await ingestsThrough(server, 'auth-token', { NATS_TOKEN: 't0ken-value' }, { token: 't0ken-value' });
  });

  it('NKey: NATS_NKEY_SEED_FILE', async () => {
    const user = createUser();
    const server = await serve(`authorization { users = [ { nkey: ${user.getPublicKey()} } ] }`);
    const seed = file('gw.nk', user.getSeed());
    await ingestsThrough(
      server,
      'auth-nkey',
      { NATS_NKEY_SEED_FILE: seed },
      { authenticator: nkeyAuthenticator(user.getSeed()) },
    );
  });

  it('operator/JWT mode: NATS_CREDS_FILE, with a preloaded memory resolver', async () => {
    const operator = createOperator();
    const system = createAccount();
    const account = createAccount();
    const user = createUser();
    const operatorJwt = await encodeOperator('test-operator', operator);
    // JetStream in operator mode needs a system account.
    const systemJwt = await encodeAccount('SYS', system, {}, { signer: operator });
    const accountJwt = await encodeAccount(
      'gateway',
      account,
      {
        limits: {
          ...{
            subs: -1,
            data: -1,
            payload: -1,
            imports: -1,
            exports: -1,
            wildcards: true,
            conn: -1,
            leaf: -1,
          },
          // JetStream is enabled for an account by giving it storage.
          ...{ disk_storage: -1, mem_storage: -1, streams: -1, consumer: -1 },
        },
      },
      { signer: operator },
    );
    const creds = fmtCreds(await encodeUser('gateway', user, account), user);
    const server = await serve(
      [
        `operator: ${operatorJwt}`,
        `system_account: ${system.getPublicKey()}`,
        'resolver: MEMORY',
        `resolver_preload: { ${system.getPublicKey()}: ${systemJwt}, ${account.getPublicKey()}: ${accountJwt} }`,
      ].join('\n'),
    );
    await ingestsThrough(
      server,
      'auth-jwt',
      { NATS_CREDS_FILE: file('gw.creds', creds) },
      {
        authenticator: credsAuthenticator(creds),
      },
    );
  });

  it('TLS: NATS_TLS_CA_FILE turns it on; so does a tls:// URL', async () => {
    const cert = ca.server();
    const server = await serve(`tls { cert_file: "${cert.cert}", key_file: "${cert.key}" }`);
    const reader = { tls: { caFile: ca.ca.cert } };
    await ingestsThrough(server, 'auth-tls', { NATS_TLS_CA_FILE: ca.ca.cert }, reader);
    await ingestsThrough(
      server,
      'auth-tls',
      { NATS_TLS_CA_FILE: ca.ca.cert },
      reader,
      `tls://127.0.0.1:${server.port}`,
    );
  });

  it('mutual TLS: NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE', async () => {
    const cert = ca.server('nats-mtls');
    const client = ca.client();
    const server = await serve(
      `tls { cert_file: "${cert.cert}", key_file: "${cert.key}", ca_file: "${ca.ca.cert}", verify: true }`,
    );
    const tls = { caFile: ca.ca.cert, certFile: client.cert, keyFile: client.key };
    await ingestsThrough(
      server,
      'auth-mtls',
      { NATS_TLS_CA_FILE: tls.caFile, NATS_TLS_CERT_FILE: tls.certFile, NATS_TLS_KEY_FILE: tls.keyFile },
      { tls },
    );
  });
});
