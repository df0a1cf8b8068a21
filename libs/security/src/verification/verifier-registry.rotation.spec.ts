import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import { KeyRing } from '../key-ring';
import { VerifierRegistry } from './verifier-registry';
import {
  check,
  MacVerifier,
  now,
  OPTIONS,
  problemOf,
  sourceClass,
  startApp,
  TOKEN,
  webhook,
} from './verifier-registry.fixtures';

describe('VerifierRegistry', () => {
  describe('after a rotation (KeyRing.replace)', () => {
    const macOf = (secret: string, at: string) =>
      createHmac('sha256', secret).update(`${at}.{}`).digest('hex');
    const signed = (secret: string) => {
      const at = now();
      return webhook('m', { 'x-at': at, 'x-mac': macOf(secret, at) }, '{}');
    };

    it('verifies every scheme with the keys now in force, and no longer with the removed ones', async () => {
      const app = await startApp(
        [MacVerifier, sourceClass('m', ['mac']), sourceClass('t', [TOKEN], ['passphrase'])],
        {
          allowedSources: ['t'],
          tokenProfiles: [{ route: 't', passphrases: ['old-pp'] }],
        },
      );
      const registry = app.get(VerifierRegistry);
      const passphrase = (pp: string) => () =>
        check(registry.forRoute('t'), webhook('t', {}, `{"passphrase":"${pp}"}`), '192.0.2.7');
      expect(check(registry.forRoute('m'), signed('shared-secret')).signedBy).toMatchObject({
        keyIds: ['shared-1'],
      });
      expect(passphrase('old-pp')).not.toThrow();

      app.get(KeyRing).replace({
        secrets: [{ id: 'shared-2', secret: 'new-shared-secret' }],
        tokenProfiles: [{ route: 't', passphrases: ['new-pp'] }],
      });

      const rotated = check(registry.forRoute('m'), signed('new-shared-secret'));
      expect(rotated.signedBy).toMatchObject({ owners: ['*'], keyIds: ['shared-2'] });
      expect(problemOf(() => check(registry.forRoute('m'), signed('shared-secret')))).toMatchObject({
        code: 'invalid_signature',
      });
      expect(passphrase('new-pp')).not.toThrow();
      expect(problemOf(passphrase('old-pp'))).toMatchObject({ code: 'invalid_passphrase' });
    });

    it('closes an allowed token route whose passphrases a reload removed (at start that stops it)', async () => {
      const app = await startApp([sourceClass('t', [TOKEN], ['passphrase'])], {
        allowedSources: ['t'],
        tokenProfiles: [{ route: 't', passphrases: ['pp'] }],
      });
      app.get(KeyRing).replace({ secrets: OPTIONS.secrets, tokenProfiles: [] });
      const verifier = app.get(VerifierRegistry).forRoute('t');
      expect(problemOf(() => verifier.precheck(webhook('t', {}), '192.0.2.7'))).toMatchObject({
        status: 403,
        code: 'source_not_allowed',
      });
    });

    it('prepares the routes once per key set, as it is put in force, not per request', async () => {
      const app = await startApp([MacVerifier, sourceClass('m', ['mac'])]);
      const registry = app.get(VerifierRegistry);
      const first = registry.forRoute('m');
      expect(registry.forRoute('m')).toBe(first);
      app.get(KeyRing).replace({ secrets: [{ id: 'shared-2', secret: 'new-shared-secret' }] });
      const second = registry.forRoute('m');
      expect(second).not.toBe(first);
      expect(registry.forRoute('m')).toBe(second);
    });
  });
});
