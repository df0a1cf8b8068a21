import { isSourceId } from '@gateway/contracts';
import { createHash } from 'node:crypto';
import { ConfigError } from './config-error';
import { list } from './load-environment';

/** One configured secret and the id its metrics and logs use instead of it. */
export interface SecretKey {
  /** The id given as `[id]secret`, or else the key's fingerprint (keyFingerprint). */
  readonly id: string;
  readonly secret: string;
}

/**
 * Shortest HMAC key accepted outside development, in bytes (of a `whsec_` key: decoded). 16 bytes
 * is 128 bits: `openssl rand -hex 16` or the Standard Webhooks `whsec_` keys (24 bytes) pass, a
 * word or a short phrase does not.
 */
export const MIN_KEY_BYTES = 16;

/** `[id]secret`: a key id is 1-32 letters, digits, `.`, `_` or `-`, in brackets before the secret. */
const WITH_ID = /^\[([A-Za-z0-9._-]{1,32})\]([\s\S]*)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const FINGERPRINT_DOMAIN = 'at-gateway key fingerprint v1\0';
// Control characters (C0, DEL and C1): line breaks, tabs, NUL.
const CONTROL = /\p{Cc}/u;

/**
 * Refuses a secret holding a control character. A file written one key per line would otherwise
 * be read as one key with line breaks inside, which verifies nothing (every webhook 401) while
 * the reload reports success. `which` names the secret (variable and id or place), never its value.
 */
export function assertNoControlCharacters(variable: string, which: string, secret: string): void {
  if (CONTROL.test(secret)) {
    throw new ConfigError(
      `${which} holds a control character (a line break?): separate keys with commas`,
      variable,
    );
  }
}

/**
 * A label for a key without an id: `fp-` and 8 hex digits of SHA-256 over a domain-separated
 * string. It tells keys apart on a dashboard; it is not a prefix of the key, and the hash is of
 * no use for a MAC under any scheme the gateway verifies.
 */
export function keyFingerprint(secret: string): string {
  const hash = createHash('sha256').update(FINGERPRINT_DOMAIN).update(secret, 'utf8').digest('hex');
  return `fp-${hash.slice(0, 8)}`;
}

/** The bytes a key stands for: a `whsec_` key's base64 decoded (undefined when it is not base64). */
function keyBytes(secret: string): number | undefined {
  if (!secret.startsWith('whsec_')) return Buffer.byteLength(secret, 'utf8');
  const encoded = secret.slice(6);
  return BASE64.test(encoded) ? Buffer.from(encoded, 'base64').length : undefined;
}

/**
 * One key as written, `secret` or `[id]secret`. Refused (naming the variable and the key's place
 * or id, never its value): an empty key, a `whsec_` key that is not base64 or decodes to nothing,
 * and a key shorter than `minBytes`.
 */
export function parseKey(
  variable: string,
  text: string,
  position: number,
  minBytes: number,
  owner = variable,
): SecretKey {
  const withId = WITH_ID.exec(text);
  const secret = (withId ? withId[2] : text).trim();
  const which = `${owner === variable ? variable : `${variable} ${owner}`} key ${withId ? withId[1] : position}`;
  assertNoControlCharacters(variable, which, secret);
  const bytes = keyBytes(secret);
  if (bytes === undefined) {
    throw new ConfigError(`${which} starts with whsec_ but the rest is not base64`, variable);
  }
  if (bytes === 0) throw new ConfigError(`${which} is empty`, variable);
  if (bytes < minBytes) {
    throw new ConfigError(`${which} is shorter than ${minBytes} bytes`, variable);
  }
  return { id: withId ? withId[1] : keyFingerprint(secret), secret };
}

/** Comma-separated keys of one owner; two keys with one id would make the per-key metric lie. */
export function parseKeyList(
  variable: string,
  value: string,
  minBytes: number,
  owner = variable,
): SecretKey[] {
  const keys = list(value).map((text, i) => parseKey(variable, text, i + 1, minBytes, owner));
  const ids = keys.map((k) => k.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) {
    const of = owner === variable ? variable : `${variable} ${owner}`;
    throw new ConfigError(`${of} names key ${twice} twice`, variable);
  }
  return keys;
}

/**
 * `<source>:<item>[,<item>...]` entries separated by `;`: each source named must be allowed, and
 * named once; `parseList` reads one source's comma-separated items.
 */
function parseSourceEntries<T>(
  variable: string,
  value: string | undefined,
  allowed: readonly string[],
  parseList: (source: string, written: string) => T[],
): Record<string, T[]> {
  const entries: Record<string, T[]> = {};
  for (const entry of (value ?? '').split(';')) {
    if (!entry.trim()) continue;
    const colon = entry.indexOf(':');
    const source = entry.slice(0, Math.max(colon, 0)).trim();
    const written = entry.slice(colon + 1);
    if (colon === -1 || !isSourceId(source) || list(written).length === 0) {
      throw new ConfigError(
        `${variable} must be <source>:<value>[,<value>] entries separated by ";"`,
        variable,
      );
    }
    if (Object.hasOwn(entries, source)) throw new ConfigError(`${variable} names ${source} twice`, variable);
    if (!allowed.includes(source)) {
      throw new ConfigError(`${variable} names ${source}, which is not in ALLOWED_SOURCES`, variable);
    }
    entries[source] = parseList(source, written);
  }
  return entries;
}

/**
 * `SOURCE_HMAC_SECRETS`: `<source>:<key>[,<key>...]`, entries separated by `;`, each key
 * `secret` or `[id]secret`, e.g. `acme-bot:[k1]...,[k2]...;other-bot:whsec_...`. A secret may
 * contain `:` (only the first one separates) but not `,` or `;`. Every source named must be
 * allowed, and named once.
 */
export function parseSourceKeys(
  value: string | undefined,
  allowed: readonly string[],
  minBytes: number,
): Record<string, SecretKey[]> {
  const variable = 'SOURCE_HMAC_SECRETS';
  return parseSourceEntries(variable, value, allowed, (source, written) =>
    parseKeyList(variable, written, minBytes, source),
  );
}

/**
 * `SOURCE_PASSPHRASES`: the passphrases of sources served by a token verification, written as
 * SOURCE_HMAC_SECRETS is (`<source>:<passphrase>[,<passphrase>...]`, several during a rotation).
 * A passphrase is chosen in the sender's UI, so no length is imposed.
 */
export function parseSourcePassphrases(
  value: string | undefined,
  allowed: readonly string[],
): Record<string, string[]> {
  const variable = 'SOURCE_PASSPHRASES';
  return parseSourceEntries(variable, value, allowed, (source, written) => {
    const passphrases = list(written);
    passphrases.forEach((p, i) =>
      assertNoControlCharacters(variable, `${variable} ${source} passphrase ${i + 1}`, p),
    );
    return passphrases;
  });
}
