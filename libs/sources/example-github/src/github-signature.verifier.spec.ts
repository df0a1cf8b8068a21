import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HmacKeys } from '@gateway/contracts';
import { keyMatch, problemOf } from '@gateway/testing';
import { GithubSignatureVerifier } from './github-signature.verifier';

const SECRET = "It's a Secret to Everybody";
const body = Buffer.from('Hello, World!');

const SIGNED = keyMatch(['*'], ['k1']);
const NONE = keyMatch([], []);

/** Keys as the gateway lends them: here one secret, compared the way the gateway compares. */
const keys: HmacKeys = {
  sha256: (signed, signatures) => {
    const mac = createHmac('sha256', SECRET);
    for (const part of signed) mac.update(part);
    const expected = mac.digest();
    const match = signatures.some((s) => s.length === 32 && timingSafeEqual(s, expected));
    return match ? SIGNED : NONE;
  },
};

// GitHub's documented test vector (docs.github.com, "Validating webhook deliveries").
const GITHUB_VECTOR = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

const request = (headers: Record<string, string>, b = body) => ({
  route: 'example-github',
  body: b,
  header: (name: string) => headers[name],
});
const headers = (over: Record<string, string> = {}) => ({
  'x-hub-signature-256': GITHUB_VECTOR,
  'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  'x-github-event': 'push',
  ...over,
});

describe('GithubSignatureVerifier', () => {
  const verifier = new GithubSignatureVerifier();
  /** As the gateway runs it: the headers read once, then the whole request verified with them. */
  const verify = (req: ReturnType<typeof request>) => verifier.verify(req, keys, verifier.precheck(req));

  it("verifies GitHub's own test vector; the delivery id is the replay claim and the idempotency key", () => {
    expect(verify(request(headers()))).toEqual({
      signedBy: SIGNED,
      replayKey: 'github.72d3162e-cc78-11e3-81ab-4c9367dc0958',
      idempotencyKey: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    });
  });

  it('accepts upper-case hex', () => {
    const upper = headers({ 'x-hub-signature-256': GITHUB_VECTOR.replace(/[a-f]/g, (c) => c.toUpperCase()) });
    expect(verify(request(upper)).signedBy.owners).toEqual(['*']);
  });

  it('finds no key for a tampered body', () => {
    expect(verify(request(headers(), Buffer.from('Hello, World?'))).signedBy.owners).toEqual([]);
  });

  it.each([
    ['no signature', { 'x-hub-signature-256': '' }, 'missing_signature'],
    ['no delivery id', { 'x-github-delivery': '' }, 'missing_signature'],
    ['no event', { 'x-github-event': '' }, 'missing_signature'],
    ['the SHA-1 header style', { 'x-hub-signature-256': 'sha1=' + 'a'.repeat(40) }, 'invalid_signature'],
    ['a bare hex signature', { 'x-hub-signature-256': 'a'.repeat(64) }, 'invalid_signature'],
    ['a short signature', { 'x-hub-signature-256': 'sha256=abc' }, 'invalid_signature'],
    ['a delivery id with spaces', { 'x-github-delivery': 'a b' }, 'invalid_signature'],
    ['an event with a slash', { 'x-github-event': 'a/b' }, 'invalid_signature'],
  ])('refuses %s from the headers alone, before the body is read', (_, over, code) => {
    expect(problemOf(() => verifier.precheck(request(headers(over))))).toMatchObject({ status: 401, code });
  });

  it('carries no timestamp: the signature covers the body only', () => {
    expect(verifier.precheck(request(headers())).timestamp).toBeUndefined();
  });
});
