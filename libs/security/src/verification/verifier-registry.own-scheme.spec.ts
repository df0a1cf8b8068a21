import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import type { VerifierRegistry } from './verifier-registry';
import {
  check,
  MacVerifier,
  now,
  problemOf,
  sourceClass,
  start,
  webhook,
} from './verifier-registry.fixtures';

describe('VerifierRegistry', () => {
  describe("a source's own scheme", () => {
    let registry: VerifierRegistry;
    beforeAll(async () => {
      registry = await start([MacVerifier, sourceClass('m', ['mac'])]);
    });
    const macOf = (secret: string, at: string, body: string) =>
      createHmac('sha256', secret).update(`${at}.${body}`).digest('hex');
    const authenticate = (secret: string) => {
      const at = now();
      return check(
        registry.forRoute('m'),
        webhook('m', { 'x-at': at, 'x-mac': macOf(secret, at, '{}') }, '{}'),
      );
    };

    it("verifies with the gateway's keys, naming their owners and ids (never the keys)", () => {
      const own = authenticate('own-secret');
      expect(own).toMatchObject({
        timestamp: expect.any(Number),
        nonce: expect.stringMatching(/^mac\.\d+$/),
      });
      expect(own.signedBy).toMatchObject({ owners: ['own'], keyIds: ['own-1'] });
      expect(own.signedBy?.speaksFor('own')).toBe(true);
      expect(own.signedBy?.speaksFor('m')).toBe(false);
      expect(authenticate('shared-secret').signedBy).toMatchObject({ owners: ['*'], keyIds: ['shared-1'] });
    });

    it('401 invalid_signature when no key made the signature', () => {
      expect(problemOf(() => authenticate('unknown'))).toMatchObject({
        status: 401,
        code: 'invalid_signature',
      });
    });
  });
});
