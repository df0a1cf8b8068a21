import { Test } from '@nestjs/testing';
import { NonceStore, ProblemException, type ProblemCode, ServedSources } from '@gateway/contracts';
import {
  FakePortsModule,
  gatewaySigned,
  InMemoryNonceStore,
  specSource,
  webhookRequest,
} from '@gateway/testing';
import { Global, Module } from '@nestjs/common';
import { CredentialsGuard } from './credentials.guard';
import { type SourcePolicy, type SourcePolicyOptions, uniformPolicy } from './policy/source-policy';
import { SourcePolicyGuard } from './policy/source-policy.guard';
import { ReplayGuard } from './replay.guard';
import { SecurityModule } from './security.module';
import type { SecurityModuleOptions } from './security.options';
import { SourceAllowlistGuard } from './source-allowlist.guard';
import { WebhookAuthGuard } from './webhook-auth.guard';

export const SHARED = 'shared-secret';
export const OWN = 'acme-own-secret';
const POLICY: SourcePolicy = {
  rate: 1,
  burst: 2,
  maxWaitMs: 0,
  inFlight: 10,
  priority: 'normal',
  scope: 'replica',
};
/** `source` answers the very same gateway-scheme request again with its original event. */
const redeliveredFor = (source: string, policy: SourcePolicyOptions): SourcePolicyOptions => ({
  ...policy,
  sources: { ...policy.sources, [source]: { ...POLICY, redelivery: 'original' } },
});
export const OPTIONS: SecurityModuleOptions = {
  secrets: [{ id: 'shared', secret: SHARED }],
  sourceSecrets: { 'acme-bot': [{ id: 'acme', secret: OWN }] },
  replayWindowSec: 300,
  allowedSources: ['bot', 'acme-bot', 'other-bot'],
  // 1/s after a burst of 2, and no waiting: the third request of a source is a 429 at once.
  policy: redeliveredFor('other-bot', uniformPolicy(['bot', 'acme-bot', 'other-bot'], POLICY)),
  publishReserveMs: 1500,
};

/** The one source served, at /webhooks/bot, as the sources library would list it. */
@Global()
@Module({
  providers: [{ provide: ServedSources, useValue: { all: () => [specSource({ route: 'bot' })] } }],
  exports: [ServedSources],
})
class ServedBotModule {}

/** The module as an app builds it asynchronously: the options come from a factory. */
export async function securityModule() {
  const moduleRef = await Test.createTestingModule({
    imports: [
      FakePortsModule,
      ServedBotModule,
      SecurityModule.forRootAsync({ useFactory: () => Promise.resolve(OPTIONS) }),
    ],
  }).compile();
  await moduleRef.init();
  return {
    credentials: moduleRef.get(CredentialsGuard),
    auth: moduleRef.get(WebhookAuthGuard),
    replay: moduleRef.get(ReplayGuard),
    allowlist: moduleRef.get(SourceAllowlistGuard),
    rate: moduleRef.get(SourcePolicyGuard),
    nonces: moduleRef.get<NonceStore, InMemoryNonceStore>(NonceStore),
  };
}
export type Guards = Awaited<ReturnType<typeof securityModule>>;

export const BODY = '{"signal":"buy"}';

/** A request that passed the route check, signed with `secret` for `source`. */
export function signedRequest(
  secret: string,
  { nonce = 'n-1', ts = undefined as number | undefined, source = 'bot', headers = {} } = {},
) {
  const request = webhookRequest({
    servedBy: specSource({ route: 'bot', sourceId: () => source }),
    body: BODY,
    headers: { ...gatewaySigned(secret, BODY, nonce, ts), ...headers },
    routed: true,
  });
  return request;
}

export async function codeOf(run: () => unknown): Promise<ProblemCode> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(ProblemException);
    return (err as ProblemException).problem.code;
  }
  throw new Error('passed');
}

/** The headers' credentials, then the body as the body intake hands it on (it is in already). */
export function presented(guards: Guards, request: ReturnType<typeof signedRequest>): void {
  expect(guards.credentials.canActivate(request.context)).toBe(true);
  request.webhook.advance({ ...(request.webhook.latest as object), body: request.webhook.body });
}

/** Up to the signature check against the body. */
export function authenticated(guards: Guards, request: ReturnType<typeof signedRequest>) {
  presented(guards, request);
  expect(guards.auth.canActivate(request.context)).toBe(true);
  return request;
}

/** The security guards in @WebhookRoute()'s order, after the route check. */
export async function passAll(guards: Guards, request: ReturnType<typeof signedRequest>): Promise<void> {
  presented(guards, request);
  for (const guard of [guards.auth, guards.allowlist, guards.replay, guards.rate]) {
    expect(await guard.canActivate(request.context)).toBe(true);
  }
}

/** The result the last guard that ran handed on. */
export const latest = <T>(request: ReturnType<typeof signedRequest>) => request.webhook.latest as T;
