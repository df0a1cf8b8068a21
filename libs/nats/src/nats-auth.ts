import { ConfigError, readSecretFile, type RuntimeEnvironment, type SecretVariable } from '@gateway/config';
import { readFileSync } from 'node:fs';
import {
  type Authenticator,
  type ConnectionOptions,
  credsAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from 'nats';
import type { NatsClientEnvironment } from './nats-client.environment';

/** How the client proves who it is and checks the server: at most one identity, TLS optional. */
export interface NatsAuthOptions {
  /** `passwordFile`: NATS_PASSWORD_FILE, read again at every (re)connect. */
  user?: { name: string; password: string; passwordFile?: string };
  token?: string;
  /** NATS_TOKEN_FILE, read again at every (re)connect. */
  tokenFile?: string;
  nkeySeedFile?: string;
  credsFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

/** What each file must look like, so a wrong path or a swapped file stops the start, not the first connect. */
const FILE_KINDS = {
  NATS_NKEY_SEED_FILE: { marker: /^\s*SU[A-Z2-7]{50,}/, what: 'an NKey user seed (SU...)' },
  NATS_CREDS_FILE: {
    marker: /-----BEGIN NATS USER JWT-----[\s\S]*-----BEGIN USER NKEY SEED-----/,
    what: 'a NATS .creds file',
  },
  NATS_TLS_CA_FILE: { marker: /-----BEGIN CERTIFICATE-----/, what: 'PEM certificates' },
  NATS_TLS_CERT_FILE: { marker: /-----BEGIN CERTIFICATE-----/, what: 'a PEM certificate' },
  NATS_TLS_KEY_FILE: { marker: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a PEM private key' },
} as const;

/** Reads `variable`'s file; the message names the variable and the path, never the content. */
function checkedFile(variable: keyof typeof FILE_KINDS, path: string | undefined): string | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `${variable} names ${path}, which cannot be read (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  const kind = FILE_KINDS[variable];
  if (!kind.marker.test(text))
    throw new ConfigError(`${variable} names ${path}, which does not hold ${kind.what}`);
  return path;
}

/**
 * The NATS identity and TLS settings from the environment, checked once at start-up: files exist,
 * are readable and hold what they should; pairs are complete; no two identities at once (the
 * server would take one and ignore the other, silently). Throws a ConfigError naming the variable.
 * `files`: the secret files NATS_PASSWORD and NATS_TOKEN were read from (resolveSecretFiles), which
 * the client reads again at every (re)connect, as it does the creds and seed files.
 */
export function natsAuthOf(
  env: Omit<NatsClientEnvironment, keyof RuntimeEnvironment>,
  files: Partial<Record<SecretVariable, string>> = {},
): NatsAuthOptions {
  const identities = [
    env.NATS_USER || env.NATS_PASSWORD ? 'NATS_USER/NATS_PASSWORD' : undefined,
    env.NATS_TOKEN ? 'NATS_TOKEN' : undefined,
    env.NATS_NKEY_SEED_FILE ? 'NATS_NKEY_SEED_FILE' : undefined,
    env.NATS_CREDS_FILE ? 'NATS_CREDS_FILE' : undefined,
  ].filter((name): name is string => name !== undefined);
  if (identities.length > 1) {
    throw new ConfigError(`${identities.join(' and ')} are both set: choose one way to authenticate to NATS`);
  }
  if (env.NATS_PASSWORD && !env.NATS_USER) throw new ConfigError('NATS_PASSWORD is set without NATS_USER');
  if (env.NATS_USER && !env.NATS_PASSWORD) throw new ConfigError('NATS_USER is set without NATS_PASSWORD');
  if (!!env.NATS_TLS_CERT_FILE !== !!env.NATS_TLS_KEY_FILE) {
    throw new ConfigError(
      env.NATS_TLS_CERT_FILE
        ? 'NATS_TLS_CERT_FILE is set without NATS_TLS_KEY_FILE (mutual TLS needs both)'
        : 'NATS_TLS_KEY_FILE is set without NATS_TLS_CERT_FILE (mutual TLS needs both)',
    );
  }
  const tls = {
    caFile: checkedFile('NATS_TLS_CA_FILE', env.NATS_TLS_CA_FILE),
    certFile: checkedFile('NATS_TLS_CERT_FILE', env.NATS_TLS_CERT_FILE),
    keyFile: checkedFile('NATS_TLS_KEY_FILE', env.NATS_TLS_KEY_FILE),
  };
  return {
    user:
      env.NATS_USER && env.NATS_PASSWORD
        ? { name: env.NATS_USER, password: env.NATS_PASSWORD, passwordFile: files.NATS_PASSWORD }
        : undefined,
    token: env.NATS_TOKEN || undefined,
    tokenFile: env.NATS_TOKEN ? files.NATS_TOKEN : undefined,
    nkeySeedFile: checkedFile('NATS_NKEY_SEED_FILE', env.NATS_NKEY_SEED_FILE),
    credsFile: checkedFile('NATS_CREDS_FILE', env.NATS_CREDS_FILE),
    tls: tls.caFile || tls.certFile ? tls : undefined,
  };
}

/**
 * The nats.js options for `auth`, the one place every app builds them. Files are read again at
 * every connect, so a rotated `.creds` file, seed or certificate is used on the next reconnect
 * without a restart. Credentials in the URL (`nats://user:pass@host`, `nats://token@host`) work
 * too when no other identity is configured; nats.js itself ignores them, and they are taken out
 * of the server list so that no log line or status shows them.
 */
export function natsConnectionOptions(
  servers: string[],
  name: string,
  auth: NatsAuthOptions,
): ConnectionOptions {
  const { bare, fromUrl } = withoutCredentials(servers);
  const options: ConnectionOptions = { servers: bare, name };
  const authenticator = authenticatorOf(auth) ?? (fromUrl && authenticatorOf(fromUrl));
  if (authenticator) options.authenticator = authenticator;
  // nats.js reads these paths itself at every (re)connect. A CA alone turns TLS on; so does tls://.
  if (auth.tls) options.tls = { ...auth.tls };
  return options;
}

function authenticatorOf(auth: NatsAuthOptions): Authenticator | undefined {
  if (auth.user) {
    const { name, password, passwordFile } = auth.user;
    return usernamePasswordAuthenticator(name, current('NATS_PASSWORD', password, passwordFile));
  }
  if (auth.token) return tokenAuthenticator(current('NATS_TOKEN', auth.token, auth.tokenFile));
  const { nkeySeedFile, credsFile } = auth;
  if (nkeySeedFile)
    return nkeyAuthenticator(() => new TextEncoder().encode(readFileSync(nkeySeedFile, 'utf8').trim()));
  if (credsFile) return credsAuthenticator(() => readFileSync(credsFile));
  return undefined;
}

/**
 * The secret as its file holds it at each connect, so a rotated password or token is used at the
 * next reconnect without a restart; while the file is unreadable or empty (a rotation under way)
 * the last good value is used.
 */
function current(variable: SecretVariable, value: string, file?: string): string | (() => string) {
  if (!file) return value;
  let last = value;
  return () => {
    try {
      last = readSecretFile(variable, file) || last;
    } catch {
      // keep the last good value: the connect says what the server thinks of it
    }
    return last;
  };
}

/** The servers without their `user:pass@` / `token@`, and the first credentials found in them. */
function withoutCredentials(servers: string[]): { bare: string[]; fromUrl?: NatsAuthOptions } {
  let fromUrl: NatsAuthOptions | undefined;
  const bare = servers.map((server) => {
    const at = /^([a-z]+:\/\/)?([^@/]*)@(.*)$/i.exec(server);
    if (!at) return server;
    const [, scheme = '', userinfo, rest] = at;
    const colon = userinfo.indexOf(':');
    const decoded = (v: string) => decodeURIComponent(v);
    fromUrl ??=
      colon === -1
        ? { token: decoded(userinfo) }
        : { user: { name: decoded(userinfo.slice(0, colon)), password: decoded(userinfo.slice(colon + 1)) } };
    return scheme + rest;
  });
  return { bare, fromUrl };
}
