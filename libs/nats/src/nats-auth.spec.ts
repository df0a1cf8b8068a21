import 'reflect-metadata';
import { ConfigError } from '@gateway/config';
import { createUser } from '@nats-io/nkeys';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natsAuthOf, natsConnectionOptions } from './nats-auth';

const dir = mkdtempSync(join(tmpdir(), 'nats-auth-'));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const seed = new TextDecoder().decode(createUser().getSeed());
const pem = (label: string) => `-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`;
const files = {
  seed: file('user.nk', `${seed}\n`),
  creds: file(
    'user.creds',
    `-----BEGIN NATS USER JWT-----\neyJ0\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`,
  ),
  ca: file('ca.pem', pem('CERTIFICATE')),
  cert: file('client.pem', pem('CERTIFICATE')),
  key: file('client.key', pem('PRIVATE KEY')),
};

function errorOf(env: Record<string, string>): string {
  try {
    natsAuthOf(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('natsAuthOf (docs/contract.md 6.1)', () => {
  it('needs nothing: an open NATS, or credentials in NATS_URL', () => {
    expect(natsAuthOf({})).toEqual({});
  });

  it('takes each way to authenticate, and TLS files', () => {
    expect(natsAuthOf({ NATS_USER: 'gw', NATS_PASSWORD: 'pw' }).user).toEqual({ name: 'gw', password: 'pw' });
    expect(natsAuthOf({ NATS_TOKEN: 't0k' }).token).toBe('t0k');
    expect(natsAuthOf({ NATS_NKEY_SEED_FILE: files.seed }).nkeySeedFile).toBe(files.seed);
    expect(natsAuthOf({ NATS_CREDS_FILE: files.creds }).credsFile).toBe(files.creds);
    expect(natsAuthOf({ NATS_TLS_CA_FILE: files.ca }).tls).toEqual({ caFile: files.ca });
    expect(
      natsAuthOf({ NATS_TLS_CA_FILE: files.ca, NATS_TLS_CERT_FILE: files.cert, NATS_TLS_KEY_FILE: files.key })
        .tls,
    ).toEqual({ caFile: files.ca, certFile: files.cert, keyFile: files.key });
  });

  it.each([
    [{ NATS_PASSWORD: 'pw' }, /^NATS_PASSWORD is set without NATS_USER/],
    [{ NATS_USER: 'gw' }, /^NATS_USER is set without NATS_PASSWORD/],
    [{ NATS_TLS_CERT_FILE: files.cert }, /^NATS_TLS_CERT_FILE is set without NATS_TLS_KEY_FILE/],
    [{ NATS_TLS_KEY_FILE: files.key }, /^NATS_TLS_KEY_FILE is set without NATS_TLS_CERT_FILE/],
    [{ NATS_TOKEN: 't', NATS_CREDS_FILE: files.creds }, /NATS_TOKEN and NATS_CREDS_FILE are both set/],
    [
      { NATS_CREDS_FILE: join(dir, 'missing.creds') },
      /^NATS_CREDS_FILE names .*missing\.creds, which cannot be read \(ENOENT\)/,
    ],
    [{ NATS_NKEY_SEED_FILE: files.ca }, /^NATS_NKEY_SEED_FILE .* does not hold an NKey user seed/],
    [{ NATS_CREDS_FILE: files.seed }, /^NATS_CREDS_FILE .* does not hold a NATS \.creds file/],
    [{ NATS_TLS_CA_FILE: files.key }, /^NATS_TLS_CA_FILE .* does not hold PEM certificates/],
    [{ NATS_TLS_CERT_FILE: files.cert, NATS_TLS_KEY_FILE: files.cert }, /^NATS_TLS_KEY_FILE .* private key/],
  ])('refuses %p in one line naming the variable', (env, message) => {
    const error = errorOf(env);
    expect(error).toMatch(message);
    expect(error).not.toContain('\n');
  });

  it('never echoes a secret or the content of a file', () => {
    const errors = [
      errorOf({ NATS_PASSWORD: 'hunter2-secret' }),
      errorOf({ NATS_TOKEN: 'tok-secret', NATS_USER: 'gw', NATS_PASSWORD: 'pw-secret' }),
      errorOf({ NATS_CREDS_FILE: files.seed }),
    ];
    for (const error of errors) expect(error).not.toMatch(/secret|SU[A-Z2-7]{20}/);
  });
});

describe('natsConnectionOptions', () => {
  it('passes the servers and name, and no authenticator when none is configured', () => {
    const options = natsConnectionOptions(['nats://a:4222', 'b:4222'], 'gw', {});
    expect(options).toEqual({ servers: ['nats://a:4222', 'b:4222'], name: 'gw' });
  });

  it('takes user:password@ or token@ from NATS_URL, and keeps them out of the server list', () => {
    const withUser = natsConnectionOptions(['nats://gw:p%40ss@a:4222', 'nats://b:4222'], 'gw', {});
    expect(withUser.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect((withUser.authenticator as () => unknown)()).toEqual({ user: 'gw', pass: 'p@ss' });
    const withToken = natsConnectionOptions(['tls://t0k@a:4222'], 'gw', {});
    expect(withToken.servers).toEqual(['tls://a:4222']);
    expect((withToken.authenticator as () => unknown)()).toEqual({ auth_token: 't0k' });
  });

  it('builds an authenticator from a seed file, read at connect time', () => {
    const options = natsConnectionOptions(
      ['nats://a'],
      'gw',
      natsAuthOf({ NATS_NKEY_SEED_FILE: files.seed }),
    );
    const auth = (options.authenticator as (nonce?: string) => { nkey?: string; sig?: string })('nonce-1');
    expect(auth.nkey).toMatch(/^U[A-Z2-7]{55}$/);
    expect(auth.sig).toBeTruthy();
  });

  it('turns TLS on with the CA and client files', () => {
    const auth = natsAuthOf({
      NATS_TLS_CA_FILE: files.ca,
      NATS_TLS_CERT_FILE: files.cert,
      NATS_TLS_KEY_FILE: files.key,
    });
    expect(natsConnectionOptions(['nats://a'], 'gw', auth).tls).toEqual({
      caFile: files.ca,
      certFile: files.cert,
      keyFile: files.key,
    });
  });

  it('answers the server with user and password', () => {
    const options = natsConnectionOptions(
      ['nats://a'],
      'gw',
      natsAuthOf({ NATS_USER: 'gw', NATS_PASSWORD: 'pw' }),
    );
    expect((options.authenticator as () => unknown)()).toEqual({ user: 'gw', pass: 'pw' });
  });
});
