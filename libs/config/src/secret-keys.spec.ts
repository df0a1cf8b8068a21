import { createHash } from 'node:crypto';
import { ConfigError } from './config-error';
import { keyFingerprint, MIN_KEY_BYTES, parseKeyList, parseSourceKeys } from './secret-keys';

const LONG = 'a-real-secret-0123456789';
const whsec = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;

/** The ConfigError `run` throws (fails the test when it throws none). */
function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('no ConfigError thrown');
}

describe('parseKeyList', () => {
  it('reads `[id]secret` and plain secrets, giving the plain ones a fingerprint', () => {
    expect(parseKeyList('V', `[2026-11]${LONG}, ${whsec(24)}`, MIN_KEY_BYTES)).toEqual([
      { id: '2026-11', secret: LONG },
      { id: keyFingerprint(whsec(24)), secret: whsec(24) },
    ]);
  });

  it('keeps the `=` of base64 in the secret, whatever the id', () => {
    const key = whsec(25); // ends with "=="
    expect(key.endsWith('==')).toBe(true);
    expect(parseKeyList('V', `[k.1]${key}`, MIN_KEY_BYTES)).toEqual([{ id: 'k.1', secret: key }]);
  });

  it('fingerprints with 8 hex digits that are no part of the key or its plain hash', () => {
    const fp = keyFingerprint(LONG);
    expect(fp).toMatch(/^fp-[0-9a-f]{8}$/);
    expect(LONG).not.toContain(fp.slice(3));
    expect(createHash('sha256').update(LONG).digest('hex')).not.toContain(fp.slice(3));
  });

  // Found by an attack on a running gateway: `real-secret,whsec_` started in production and `whsec_` signed as an empty key.
  it.each([
    ['whsec_ with nothing after it', `${LONG},whsec_`, /key 2 is empty/],
    ['whsec_ with bad base64', `${LONG},whsec_!!!`, /key 2 starts with whsec_ but the rest is not base64/],
    ['whsec_ with unpadded base64', `${LONG},whsec_abc`, /not base64/],
    ['an empty id-ed key', `[new]`, /key new is empty/],
    ['a short key', `${LONG},short-key`, /key 2 is shorter than 16 bytes/],
    ['a short whsec_ key', `${LONG},${whsec(15)}`, /key 2 is shorter than 16 bytes/],
    ['one id twice', `[a]${LONG},[a]${LONG}x`, /names key a twice/],
    ['one key per line', `[a]${LONG}\r\n[b]${LONG}`, /key a holds a control character \(a line break\?\)/],
    ['a NUL inside a key', `${LONG}\u0000${LONG}`, /key 1 holds a control character/],
  ])('refuses %s, naming the variable and never the value', (_what, value, message) => {
    const error = errorOf(() => parseKeyList('API_KEY_HMAC_SECRET', value, MIN_KEY_BYTES));
    expect(error.message).toMatch(/^API_KEY_HMAC_SECRET /);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(LONG);
    expect(error.message).not.toContain('short-key');
    expect(error.variable).toBe('API_KEY_HMAC_SECRET');
  });

  it('takes short keys where the minimum is 1 (development), but never an empty one', () => {
    expect(parseKeyList('V', 'k1,k2', 1)).toHaveLength(2);
    expect(() => parseKeyList('V', 'whsec_', 1)).toThrow(/empty/);
  });
});

describe('parseSourceKeys', () => {
  const allowed = ['acme-bot', 'other'];

  it('reads ids per source, with `:` , `;` and base64 `=` all unambiguous', () => {
    const keys = parseSourceKeys(`acme-bot:[k1]${LONG},[k2]${whsec(25)};other:${LONG}`, allowed, 16);
    expect(Object.keys(keys)).toEqual(['acme-bot', 'other']);
    expect(keys['acme-bot'].map((k) => k.id)).toEqual(['k1', 'k2']);
    expect(keys['acme-bot'][1].secret).toBe(whsec(25));
    expect(keys.other[0].id).toMatch(/^fp-/);
  });

  it('names the source of a bad key, and the variable the reload counts it under', () => {
    const error = errorOf(() => parseSourceKeys('acme-bot:[k1]tiny', allowed, 16));
    expect(error.message).toBe('SOURCE_HMAC_SECRETS acme-bot key k1 is shorter than 16 bytes');
    expect(error.variable).toBe('SOURCE_HMAC_SECRETS');
  });
});
