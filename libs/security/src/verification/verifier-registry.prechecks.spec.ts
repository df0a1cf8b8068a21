import 'reflect-metadata';
import type { VerifierRegistry } from './verifier-registry';
import {
  MacVerifier,
  now,
  problemOf,
  sourceClass,
  start,
  TOKEN,
  webhook,
} from './verifier-registry.fixtures';

describe('VerifierRegistry', () => {
  describe('prechecks, on the headers alone', () => {
    let registry: VerifierRegistry;
    beforeAll(async () => {
      registry = await start(
        [
          MacVerifier,
          sourceClass('h', ['hmac']),
          sourceClass('s', ['standard-webhooks']),
          sourceClass('m', ['mac']),
          sourceClass('t', [TOKEN], ['passphrase']),
        ],
        { tokenProfiles: [{ route: 't', passphrases: ['pp'] }] },
      );
    });
    const precheck = (route: string, headers: Record<string, string>, address?: string) => () =>
      registry.forRoute(route).precheck(webhook(route, headers), address);

    it.each<[string, string, Record<string, string>, string]>([
      ['hmac: no X-Signature', 'h', { 'x-timestamp': now(), 'x-nonce': 'n' }, 'missing_signature'],
      [
        'hmac: an X-Signature no key could make',
        'h',
        { 'x-signature': 'x', 'x-timestamp': now(), 'x-nonce': 'n' },
        'invalid_signature',
      ],
      [
        'hmac: a timestamp that is not Unix seconds',
        'h',
        { 'x-signature': 'x', 'x-timestamp': 'soon', 'x-nonce': 'n' },
        'invalid_signature',
      ],
      [
        'standard-webhooks: an X-Signature instead',
        's',
        { 'x-signature': 'x', 'x-timestamp': now(), 'x-nonce': 'n' },
        'missing_signature',
      ],
    ])('refuses %s', (_, route, headers, code) => {
      expect(problemOf(precheck(route, headers))).toMatchObject({ code });
    });

    it.each<[string, string, Record<string, string>]>([
      ['hmac', 'h', { 'x-signature': 'x', 'x-timestamp': '1000', 'x-nonce': 'n' }],
      [
        'standard-webhooks',
        's',
        { 'webhook-signature': 'v1,x', 'webhook-timestamp': '1000', 'webhook-id': 'i' },
      ],
      ['its own scheme', 'm', { 'x-mac': 'ab', 'x-at': '1000' }],
    ])('%s: refuses a stale timestamp from the headers, before the body is read', (_, route, headers) => {
      expect(problemOf(precheck(route, headers))).toMatchObject({ code: 'stale_timestamp' });
    });

    it('passes what the full check would then verify', () => {
      const signature = `sha256=${'ab'.repeat(32)}`;
      expect(precheck('h', { 'x-signature': signature, 'x-timestamp': now(), 'x-nonce': 'n' })).not.toThrow();
      expect(precheck('m', { 'x-mac': 'ab', 'x-at': now() })).not.toThrow();
    });

    it("refuses a token route's sender by address, 403, before its body is read", () => {
      expect(problemOf(precheck('t', {}, '203.0.113.9'))).toMatchObject({
        status: 403,
        code: 'address_not_allowed',
      });
      expect(precheck('t', {}, '192.0.2.7')).not.toThrow();
    });
  });
});
