import { uniformPolicy } from '../policy/source-policy';
import 'reflect-metadata';
import { Injectable, Module, Type } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  type HmacKeys,
  ProblemException,
  type RequestHead,
  ServedSources,
  type SignatureVerifier,
  type SignedRequest,
  type SourceAdapter,
  type VerificationSpec,
  type Verified,
  WebhookSource,
  WebhookVerifier,
} from '@gateway/contracts';
import { WebhookContext } from '@gateway/webhook';
import { createHmac } from 'node:crypto';
import { SECURITY_OPTIONS } from '../security.module-definition';
import type { SecurityModuleOptions } from '../security.options';
import { KeyRing } from '../key-ring';
import { VerifiedTallies } from '../verified-tallies';
import type { RouteVerifier } from './route-verifier';
import { VerifierRegistry } from './verifier-registry';

/** A scheme of a source's own: `X-Mac` is the hex HMAC of `<X-At>.<body>`. */
@WebhookVerifier()
@Injectable()
class MacVerifier implements SignatureVerifier {
  readonly scheme = 'mac';

  precheck(head: RequestHead): { timestamp: number } {
    const at = head.header('x-at');
    if (!at || !head.header('x-mac')) throw new Error('test: headers missing');
    return { timestamp: Number(at) };
  }

  verify(request: SignedRequest, keys: HmacKeys, { timestamp }: { timestamp: number }): Verified {
    const mac = Buffer.from(request.header('x-mac')!, 'hex');
    return {
      timestamp,
      signedBy: keys.sha256([`${timestamp}.`, request.body], [mac]),
      replayKey: `mac.${timestamp}`,
    };
  }
}

@WebhookVerifier()
@Injectable()
class OtherMacVerifier extends MacVerifier {}

function sourceClass(
  route: string,
  verification: VerificationSpec[],
  secretFields?: string[],
): Type<SourceAdapter> {
  @WebhookSource()
  @Injectable()
  class TestSource {
    readonly route = route;
    readonly verification = verification;
    readonly secretFields = secretFields;
  }
  return TestSource as unknown as Type<SourceAdapter>;
}

const OPTIONS: SecurityModuleOptions = {
  secrets: [{ id: 'shared-1', secret: 'shared-secret' }],
  sourceSecrets: { own: [{ id: 'own-1', secret: 'own-secret' }] },
  replayWindowSec: 300,
  allowedSources: [],
  policy: uniformPolicy([], {
    rate: 1,
    burst: 1,
    maxWaitMs: 0,
    inFlight: 10,
    priority: 'normal',
    scope: 'replica',
  }),
  publishReserveMs: 1500,
};
const TOKEN = { scheme: 'token', field: 'passphrase', addresses: ['192.0.2.7'] } as const;

async function startApp(providers: Type[], options: Partial<SecurityModuleOptions> = {}) {
  @Module({
    imports: [DiscoveryModule],
    providers: [
      ...providers,
      VerifierRegistry,
      KeyRing,
      VerifiedTallies,
      { provide: SECURITY_OPTIONS, useValue: { ...OPTIONS, ...options } },
      // The sources library's registry, as far as the verifiers read it: every @WebhookSource().
      {
        provide: ServedSources,
        inject: [DiscoveryService],
        useFactory: (discovery: DiscoveryService) => ({
          all: () =>
            discovery
              .getProviders({ metadataKey: WebhookSource.KEY })
              .map((w) => w.instance as SourceAdapter),
        }),
      },
    ],
  })
  class App {}
  const moduleRef = await Test.createTestingModule({ imports: [App] }).compile();
  await moduleRef.init();
  return moduleRef;
}

async function start(providers: Type[], options: Partial<SecurityModuleOptions> = {}) {
  return (await startApp(providers, options)).get(VerifierRegistry);
}

const now = () => String(Math.floor(Date.now() / 1000));
const webhook = (route: string, headers: Record<string, string>, body = '{"passphrase":"pp"}') => {
  const w = new WebhookContext(route, 'corr', headers);
  w.body = Buffer.from(body);
  return w;
};
const problemOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProblemException);
    return (err as ProblemException).problem;
  }
  throw new Error('not refused');
};
/** The whole check as a request meets it: the headers first, then the body with what they presented. */
const check = (verifier: RouteVerifier, request: WebhookContext, address?: string) =>
  verifier.precheck(request, address).authenticate(request);

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
      expect(precheck('h', { 'x-signature': 'x', 'x-timestamp': now(), 'x-nonce': 'n' })).not.toThrow();
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
