import { createHmac, randomBytes } from 'node:crypto';

// Counted, to show how many HMACs a request costs.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, createHmac: jest.fn(actual.createHmac) };
});
import { gatewaySignatureKeys, standardSignatureKeys } from './hmac-signature';
import { SHARED_SECRET_OWNER, signingKeys } from './signing-keys';

const verifyGatewaySignature = (...args: Parameters<typeof gatewaySignatureKeys>) =>
  gatewaySignatureKeys(...args).keys.length > 0;
const verifyStandardSignature = (...args: Parameters<typeof standardSignatureKeys>) =>
  standardSignatureKeys(...args).keys.length > 0;

/** Secrets as configured, each with an id. */
const secrets = (...values: string[]) => values.map((secret, i) => ({ id: `k${i + 1}`, secret }));

const body = Buffer.from('{"ticker":"BTCUSDT","action":"buy"}');
const ts = '1764244800';
const nonce = 'n-0001';

/** docs/contract.md 1.1: hex HMAC-SHA256(secret, `<ts>.<nonce>.<body>`), written independently of the code. */
const gatewaySig = (secret: string, b: Buffer = body) =>
  createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${ts}.${nonce}.`), b]))
    .digest('hex');

describe('gatewaySignatureKeys', () => {
  const keys = signingKeys(secrets('s3cret')).gateway;
  const verify = (signature: string, b: Buffer = body, k = keys) =>
    verifyGatewaySignature(k, signature, ts, nonce, b);

  it('accepts sha256=<hex> and the bare hex', () => {
    expect(verify(`sha256=${gatewaySig('s3cret')}`)).toBe(true);
    expect(verify(gatewaySig('s3cret'))).toBe(true);
  });

  it('accepts upper-case hex', () => {
    expect(verify(`sha256=${gatewaySig('s3cret').toUpperCase()}`)).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    expect(verify(`sha256=${gatewaySig('other')}`)).toBe(false);
  });

  it('rejects a tampered body, timestamp or nonce', () => {
    const sig = `sha256=${gatewaySig('s3cret')}`;
    expect(verify(sig, Buffer.from('{"ticker":"BTCUSDT","action":"sell"}'))).toBe(false);
    expect(verifyGatewaySignature(keys, sig, '1764244801', nonce, body)).toBe(false);
    expect(verifyGatewaySignature(keys, sig, ts, 'n-0002', body)).toBe(false);
  });

  it('accepts a signature made with any of the configured secrets (rotation)', () => {
    const rotating = signingKeys(secrets('old', 'new', 'next')).gateway;
    for (const secret of ['old', 'new', 'next'])
      expect(verify(gatewaySig(secret), body, rotating)).toBe(true);
    expect(verify(gatewaySig('retired'), body, rotating)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['prefix only', 'sha256='],
    ['non-hex', 'z'.repeat(64)],
    ['short', gatewaySig('s3cret').slice(0, 62)],
    ['long', `${gatewaySig('s3cret')}00`],
    ['other algorithm', `sha1=${gatewaySig('s3cret')}`],
    ['padded', ` ${gatewaySig('s3cret')}`],
  ])('returns false, without throwing, for a %s signature', (_kind, signature) => {
    expect(() => verify(signature)).not.toThrow();
    expect(verify(signature)).toBe(false);
  });
});

describe('standardSignatureKeys', () => {
  // A Standard Webhooks secret: `whsec_` + base64 of random bytes; the key is the decoded bytes.
  const rawKey = randomBytes(24);
  const secret = `whsec_${rawKey.toString('base64')}`;
  const keys = signingKeys(secrets(secret)).standard;
  const id = 'msg_2Lq7x';

  const standardSig = (key: Buffer, b: Buffer = body) =>
    createHmac('sha256', key)
      .update(`${id}.${ts}.${b.toString('utf8')}`)
      .digest('base64');
  const verify = (header: string, b: Buffer = body, k = keys) =>
    verifyStandardSignature(k, header, id, ts, b);

  it('accepts v1,<base64> signed with the decoded whsec_ key', () => {
    expect(verify(`v1,${standardSig(rawKey)}`)).toBe(true);
  });

  it('does not take the whsec_ text itself as the key', () => {
    expect(verify(`v1,${standardSig(Buffer.from(secret))}`)).toBe(false);
  });

  it('accepts a space-separated list where any one entry is valid', () => {
    const wrong = standardSig(randomBytes(24));
    expect(verify(`v1,${wrong} v1,${standardSig(rawKey)}`)).toBe(true);
    expect(verify(`v1,${wrong} v1,${wrong}`)).toBe(false);
  });

  it('ignores entries of other versions', () => {
    expect(verify(`v2,${standardSig(rawKey)}`)).toBe(false);
    expect(verify(`v1a,${standardSig(rawKey)} v2,${standardSig(rawKey)}`)).toBe(false);
  });

  it('rejects a tampered body and another message id', () => {
    const header = `v1,${standardSig(rawKey)}`;
    expect(verify(header, Buffer.from('{}'))).toBe(false);
    expect(verifyStandardSignature(keys, header, 'msg_other', ts, body)).toBe(false);
  });

  it('accepts any configured secret (rotation), including a plain one used as UTF-8 bytes', () => {
    const rotating = signingKeys(secrets('plain-secret', secret)).standard;
    expect(verify(`v1,${standardSig(rawKey)}`, body, rotating)).toBe(true);
    expect(verify(`v1,${standardSig(Buffer.from('plain-secret'))}`, body, rotating)).toBe(true);
  });

  it.each(['', 'v1,', 'v1,!!!', 'v1,AAAA', 'garbage'])(
    'returns false, without throwing, for %p',
    (header) => {
      expect(() => verify(header)).not.toThrow();
      expect(verify(header)).toBe(false);
    },
  );
});

describe('signingKeys with per-source secrets', () => {
  const keys = signingKeys(secrets('shared'), {
    'acme-bot': secrets('acme-old', 'acme-new'),
    other: secrets('whsec_' + Buffer.from('k').toString('base64')),
  });

  it("lists every key with its owner: the shared ones first, then each source's own", () => {
    expect(keys.owners).toEqual([SHARED_SECRET_OWNER, 'acme-bot', 'acme-bot', 'other']);
    expect(keys.standard[3]).toEqual(Buffer.from('k'));
  });

  it('names the key that made a signature, so the source it may speak for is known', () => {
    const sig = gatewaySig('acme-new');
    expect(gatewaySignatureKeys(keys.gateway, sig, ts, nonce, body).keys).toEqual([2]);
    expect(gatewaySignatureKeys(keys.gateway, gatewaySig('shared'), ts, nonce, body).keys).toEqual([0]);
  });

  it('computes each key once however many signatures a header lists', () => {
    // A header listing hundreds of signatures must not cost hundreds of HMACs over a 1 MiB body.
    const many = Array.from({ length: 300 }, () => `v1,${randomBytes(32).toString('base64')}`).join(' ');
    const hmacs = jest.mocked(createHmac);
    hmacs.mockClear();
    expect(standardSignatureKeys(keys.standard, many, 'msg', ts, Buffer.alloc(1024 * 1024)).keys).toEqual([]);
    expect(hmacs).toHaveBeenCalledTimes(keys.standard.length);
  });
});

describe('the replay identity of a signature (docs/security.md, "Replay: one claim per signed byte string")', () => {
  const keys = signingKeys(secrets('s3cret'));
  const nowish = '1764244801'; // a nonce that is a Unix time, as some senders make them

  it('is the same for the same signed bytes, whichever scheme and field boundaries carry them', () => {
    const gatewayMac = createHmac('sha256', 's3cret').update(`${ts}.${nowish}.`).update(body);
    const hex = gatewayMac.digest('hex');
    const asGateway = gatewaySignatureKeys(keys.gateway, hex, ts, nowish, body);
    // Re-sent as Standard Webhooks: webhook-id = the timestamp, webhook-timestamp = the nonce.
    const v1 = `v1,${Buffer.from(hex, 'hex').toString('base64')}`;
    const asStandard = standardSignatureKeys(keys.standard, v1, ts, nowish, body);
    // The nonce/body boundary moved: a nonce holding a dot gives its tail to the body.
    const dotted = createHmac('sha256', 's3cret').update(`${ts}.n.7.`).update(body).digest('hex');
    const withDot = gatewaySignatureKeys(keys.gateway, dotted, ts, 'n.7', body);
    const moved = gatewaySignatureKeys(
      keys.gateway,
      dotted,
      ts,
      'n',
      Buffer.concat([Buffer.from('7.'), body]),
    );

    expect(asGateway.keys).toEqual([0]);
    expect(asStandard.mac).toBe(asGateway.mac);
    expect(withDot.keys).toEqual([0]);
    expect(moved.mac).toBe(withDot.mac);
  });

  it('differs for different signed bytes', () => {
    const sign = (n: string) =>
      createHmac('sha256', 's3cret').update(`${ts}.${n}.`).update(body).digest('hex');
    const a = gatewaySignatureKeys(keys.gateway, sign('n-1'), ts, 'n-1', body);
    const b = gatewaySignatureKeys(keys.gateway, sign('n-2'), ts, 'n-2', body);

    expect(a.mac).toBeDefined();
    expect(a.mac).not.toBe(b.mac);
  });
});
