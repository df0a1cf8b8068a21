import 'reflect-metadata';
import { Injectable, Module, Type } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  type HmacKeys,
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
import { uniformPolicy } from '../policy/source-policy';
import { SECURITY_OPTIONS } from '../security.module-definition';
import type { SecurityModuleOptions } from '../security.options';
import { KeyRing } from '../key-ring';
import { VerifiedTallies } from '../verified-tallies';
import type { RouteVerifier } from './route-verifier';
import { VerifierRegistry } from './verifier-registry';

/** A scheme of a source's own: `X-Mac` is the hex HMAC of `<X-At>.<body>`. */
@WebhookVerifier()
@Injectable()
export class MacVerifier implements SignatureVerifier {
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
export class OtherMacVerifier extends MacVerifier {}

export function sourceClass(
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

export const OPTIONS: SecurityModuleOptions = {
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
export const TOKEN = { scheme: 'token', field: 'passphrase', addresses: ['192.0.2.7'] } as const;

export async function startApp(providers: Type[], options: Partial<SecurityModuleOptions> = {}) {
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

export async function start(providers: Type[], options: Partial<SecurityModuleOptions> = {}) {
  return (await startApp(providers, options)).get(VerifierRegistry);
}

export const now = () => String(Math.floor(Date.now() / 1000));
export const webhook = (route: string, headers: Record<string, string>, body = '{"passphrase":"pp"}') => {
  const w = new WebhookContext(route, 'corr', headers);
  w.body = Buffer.from(body);
  return w;
};
export { problemOf } from '@gateway/testing';
/** The whole check as a request meets it: the headers first, then the body with what they presented. */
export const check = (verifier: RouteVerifier, request: WebhookContext, address?: string) =>
  verifier.precheck(request, address).authenticate(request);
