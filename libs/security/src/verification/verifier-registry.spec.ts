import 'reflect-metadata';
import { Injectable, Module, Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  type HmacKeys,
  ProblemException,
  type RequestHead,
  type SignatureVerifier,
  type SignedRequest,
  type SourceAdapter,
  type VerificationSpec,
  type Verified,
  WebhookContext,
  WebhookSource,
  WebhookVerifier,
} from '@gateway/contracts';
import { createHmac } from 'node:crypto';
import { SECURITY_OPTIONS } from '../security.module-definition';
import type { SecurityModuleOptions } from '../security.options';
import { keyFingerprint } from '../signature/signing-keys';
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

  verify(request: SignedRequest, keys: HmacKeys): Verified {
    const { timestamp } = this.precheck(request);
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
  secrets: ['shared-secret'],
  sourceSecrets: { own: ['own-secret'] },
  replayWindowSec: 300,
  allowedSources: [],
  rateLimitRps: 1,
  rateLimitBurst: 1,
};
const TOKEN = { scheme: 'token', field: 'passphrase', addresses: ['192.0.2.7'] } as const;

async function start(
  providers: Type[],
  options: Partial<SecurityModuleOptions> = {},
): Promise<VerifierRegistry> {
  @Module({
    imports: [DiscoveryModule],
    providers: [
      ...providers,
      VerifierRegistry,
      { provide: SECURITY_OPTIONS, useValue: { ...OPTIONS, ...options } },
    ],
  })
  class App {}
  const moduleRef = await Test.createTestingModule({ imports: [App] }).compile();
  await moduleRef.init();
  return moduleRef.get(VerifierRegistry);
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
const adapter = (route: string, verification: VerificationSpec[]) =>
  ({ route, verification }) as unknown as SourceAdapter;

describe('VerifierRegistry', () => {
  it("serves each route with its source's first verification, or the one the configuration picks", async () => {
    const registry = await start(
      [sourceClass('a', ['hmac', TOKEN], ['passphrase']), sourceClass('b', ['hmac', TOKEN], ['passphrase'])],
      {
        verification: { b: 'token' },
        tokenProfiles: [{ route: 'b', passphrases: ['pp'] }],
      },
    );
    expect(registry.forSource(adapter('a', [])).scheme).toBe('hmac');
    expect(registry.forSource(adapter('b', [])).scheme).toBe('token');
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
    const verifier = registry.forSource(adapter('a', []));
    expect(problemOf(() => verifier.precheck(webhook('a', {}), '192.0.2.7'))).toMatchObject({
      status: 403,
      code: 'source_not_allowed',
    });
    expect(problemOf(() => verifier.authenticate(webhook('a', {}), '192.0.2.7'))).toMatchObject({
      status: 403,
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
      registry.forSource(adapter(route, [])).precheck(webhook(route, headers), address);

    it.each<[string, string, Record<string, string>, string]>([
      ['hmac: no X-Signature', 'h', { 'x-timestamp': now(), 'x-nonce': 'n' }, 'missing_signature'],
      [
        'hmac: a timestamp that is not Unix seconds',
        'h',
        { 'x-signature': 'x', 'x-timestamp': 'soon', 'x-nonce': 'n' },
        'invalid_signature',
      ],
      [
        'hmac: a stale timestamp',
        'h',
        { 'x-signature': 'x', 'x-timestamp': '1000', 'x-nonce': 'n' },
        'stale_timestamp',
      ],
      [
        'standard-webhooks: an X-Signature instead',
        's',
        { 'x-signature': 'x', 'x-timestamp': now(), 'x-nonce': 'n' },
        'missing_signature',
      ],
      [
        'standard-webhooks: a stale timestamp',
        's',
        { 'webhook-signature': 'v1,x', 'webhook-timestamp': '1000', 'webhook-id': 'i' },
        'stale_timestamp',
      ],
      ['its own scheme: a stale timestamp', 'm', { 'x-mac': 'ab', 'x-at': '1000' }, 'stale_timestamp'],
    ])('refuses %s', (_, route, headers, code) => {
      expect(problemOf(precheck(route, headers))).toMatchObject({ code });
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
      return registry
        .forSource(adapter('m', []))
        .authenticate(webhook('m', { 'x-at': at, 'x-mac': macOf(secret, at, '{}') }, '{}'), undefined);
    };

    it("verifies with the gateway's keys, naming their owners and ids (never the keys)", () => {
      expect(authenticate('own-secret')).toEqual({
        timestamp: expect.any(Number),
        nonce: expect.stringMatching(/^mac\.\d+$/),
        idempotencyKey: undefined,
        signedFor: ['own'],
        keyIds: [keyFingerprint('own-secret')],
      });
      expect(authenticate('shared-secret').signedFor).toEqual(['*']);
    });

    it('401 invalid_signature when no key made the signature', () => {
      expect(problemOf(() => authenticate('unknown'))).toMatchObject({
        status: 401,
        code: 'invalid_signature',
      });
    });
  });
});
