import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HmacKeys } from '@gateway/contracts';
import { keyMatch, problemOf } from '@gateway/testing';
import { StripeSignatureVerifier } from './stripe-signature.verifier';

const SECRET = 'whsec_test_secret';
const ROLLED = 'whsec_rolled_secret';
const body = Buffer.from('{"id":"evt_1","object":"event"}');
const t = '1795780800';

/** Stripe's scheme, written from its documentation: hex HMAC-SHA256 of `<t>.<body>`, the secret as is. */
const v1 = (secret: string, b: Buffer = body, ts = t) =>
  createHmac('sha256', secret).update(`${ts}.`).update(b).digest('hex');

const SIGNED = keyMatch(['example-stripe'], ['k1']);
const NONE = keyMatch([], []);

/** Keys as the gateway lends them: one secret, compared the way the gateway compares. */
const keys: HmacKeys = {
  sha256: (signed, signatures) => {
    const mac = createHmac('sha256', SECRET);
    for (const part of signed) mac.update(part);
    const expected = mac.digest();
    const match = signatures.some((s) => s.length === 32 && timingSafeEqual(s, expected));
    return match ? SIGNED : NONE;
  },
};

const request = (header: string | undefined, b = body) => ({
  route: 'example-stripe',
  body: b,
  header: (name: string) => (name === 'stripe-signature' ? header : undefined),
});

describe('StripeSignatureVerifier', () => {
  const verifier = new StripeSignatureVerifier();
  /** As the gateway runs it: the header read once, then the whole request verified with it. */
  const verify = (req: ReturnType<typeof request>) => verifier.verify(req, keys, verifier.precheck(req));

  it('verifies t=…,v1=…; the replay claim is t with the body digest', () => {
    const digest = createHash('sha256').update(body).digest('hex');
    expect(verify(request(`t=${t},v1=${v1(SECRET)}`))).toEqual({
      timestamp: 1795780800,
      signedBy: SIGNED,
      replayKey: `stripe.${t}.${digest}`,
    });
  });

  it('accepts any of several v1 (a secret being rolled) and ignores v0 and unknown entries', () => {
    const header = `t=${t},v1=${v1(ROLLED)},v0=${'0'.repeat(64)},v1=${v1(SECRET)},x=1`;
    expect(verify(request(header)).signedBy.owners).toEqual(['example-stripe']);
  });

  it('reads the timestamp from the headers alone, for the window check before the body is read', () => {
    expect(verifier.precheck(request(`t=${t},v1=${v1(SECRET)}`))).toMatchObject({ timestamp: 1795780800 });
  });

  it('finds no key for a tampered body or a changed t', () => {
    expect(verify(request(`t=${t},v1=${v1(SECRET)}`, Buffer.from('{}'))).signedBy.owners).toEqual([]);
    expect(verify(request(`t=1795780801,v1=${v1(SECRET)}`)).signedBy.owners).toEqual([]);
  });

  it('gives a retry (signed anew, a new t) a new replay claim, and an exact replay the same one', () => {
    const first = verify(request(`t=${t},v1=${v1(SECRET)}`)).replayKey;
    const replay = verify(request(`t=${t},v1=${v1(ROLLED)},v1=${v1(SECRET)}`)).replayKey;
    const retry = verify(request(`t=1795780860,v1=${v1(SECRET, body, '1795780860')}`));
    expect(replay).toBe(first);
    expect(retry.replayKey).not.toBe(first);
  });

  it.each([
    ['no header', undefined, 'missing_signature'],
    ['no t', `v1=${'a'.repeat(64)}`, 'invalid_signature'],
    ['two t', `t=1,t=2,v1=${'a'.repeat(64)}`, 'invalid_signature'],
    ['a t that is no Unix time', `t=soon,v1=${'a'.repeat(64)}`, 'invalid_signature'],
    ['no v1', `t=${t},v0=${'a'.repeat(64)}`, 'invalid_signature'],
    ['only malformed v1', `t=${t},v1=xyz,v1=`, 'invalid_signature'],
    ['too many entries', `t=${t}` + `,v1=${'a'.repeat(64)}`.repeat(16), 'invalid_signature'],
  ])('refuses %s from the headers alone', (_, header, code) => {
    expect(problemOf(() => verifier.precheck(request(header)))).toMatchObject({ status: 401, code });
    expect(problemOf(() => verify(request(header)))).toMatchObject({ code });
  });
});
