import 'reflect-metadata';
import { Module, Type } from '@nestjs/common';
import type { SecurityModuleOptions } from '../security.options';
import {
  MacVerifier,
  OtherMacVerifier,
  problemOf,
  sourceClass,
  start,
  TOKEN,
  webhook,
} from './verifier-registry.fixtures';

describe('VerifierRegistry', () => {
  it("serves each route with its source's first verification, or the one the configuration picks", async () => {
    const registry = await start(
      [sourceClass('a', ['hmac', TOKEN], ['passphrase']), sourceClass('b', ['hmac', TOKEN], ['passphrase'])],
      {
        verification: { b: 'token' },
        tokenProfiles: [{ route: 'b', passphrases: ['pp'] }],
      },
    );
    expect(registry.forRoute('a').scheme).toBe('hmac');
    expect(registry.forRoute('b').scheme).toBe('token');
  });

  it.each<[string, Type[], Partial<SecurityModuleOptions>, RegExp]>([
    [
      'a picked scheme the source does not declare',
      [sourceClass('a', ['hmac'])],
      { verification: { a: 'token' } },
      /\/webhooks\/a\): the configuration asks for verification "token", which it does not declare/,
    ],
    [
      'a scheme no verifier serves',
      [sourceClass('a', ['github'])],
      {},
      /verification "github" is no @WebhookVerifier\(\) provided in the application \(known: hmac, standard-webhooks, token\)/,
    ],
    [
      'an allowed source whose token verification has no passphrases',
      [sourceClass('a', [TOKEN], ['passphrase'])],
      { allowedSources: ['a'] },
      /its token verification needs passphrases, and none are configured/,
    ],
    [
      'two verifier classes of one scheme',
      [MacVerifier, OtherMacVerifier],
      {},
      /verifier OtherMacVerifier: scheme "mac" is already served by MacVerifier/,
    ],
  ])('refuses to start with %s, naming it', async (_, providers, options, message) => {
    await expect(start(providers, options)).rejects.toThrow(message);
  });

  it('closes a token route that is neither allowed nor given passphrases: 403, nothing to verify', async () => {
    const registry = await start([sourceClass('a', [TOKEN], ['passphrase'])]);
    const verifier = registry.forRoute('a');
    expect(problemOf(() => verifier.precheck(webhook('a', {}), '192.0.2.7'))).toMatchObject({
      status: 403,
      code: 'source_not_allowed',
    });
  });

  it('takes one verifier class provided by two modules as one scheme', async () => {
    @Module({ providers: [MacVerifier] })
    class Other {}
    await expect(start([MacVerifier, Other as Type, sourceClass('a', ['mac'])])).resolves.toBeDefined();
  });
});
