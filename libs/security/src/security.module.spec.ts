import { createHmac } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { NonceStore, problem, ProblemException, type ProblemCode, ServedSources } from '@gateway/contracts';
import {
  FakePortsModule,
  gatewaySigned,
  InMemoryNonceStore,
  specSource,
  webhookRequest,
} from '@gateway/testing';
import { Global, Module } from '@nestjs/common';
import type { Allowed, Authenticated, Claimed } from '@gateway/webhook';
import { CredentialsGuard } from './credentials.guard';
import { type SourcePolicy, type SourcePolicyOptions, uniformPolicy } from './policy/source-policy';
import { SourcePolicyGuard } from './policy/source-policy.guard';
import { ReplayGuard } from './replay.guard';
import { SecurityModule } from './security.module';
import type { SecurityModuleOptions } from './security.options';
import { SourceAllowlistGuard } from './source-allowlist.guard';
import { WebhookAuthGuard } from './webhook-auth.guard';

const SHARED = 'shared-secret';
const OWN = 'acme-own-secret';
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
const OPTIONS: SecurityModuleOptions = {
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
async function securityModule() {
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
type Guards = Awaited<ReturnType<typeof securityModule>>;

const BODY = '{"signal":"buy"}';

/** A request that passed the route check, signed with `secret` for `source`. */
function signedRequest(
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

async function codeOf(run: () => unknown): Promise<ProblemCode> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(ProblemException);
    return (err as ProblemException).problem.code;
  }
  throw new Error('passed');
}

/** The headers' credentials, then the body as the body intake hands it on (it is in already). */
function presented(guards: Guards, request: ReturnType<typeof signedRequest>): void {
  expect(guards.credentials.canActivate(request.context)).toBe(true);
  request.webhook.advance({ ...(request.webhook.latest as object), body: request.webhook.body });
}

/** Up to the signature check against the body. */
function authenticated(guards: Guards, request: ReturnType<typeof signedRequest>) {
  presented(guards, request);
  expect(guards.auth.canActivate(request.context)).toBe(true);
  return request;
}

/** The security guards in @WebhookRoute()'s order, after the route check. */
async function passAll(guards: Guards, request: ReturnType<typeof signedRequest>): Promise<void> {
  presented(guards, request);
  for (const guard of [guards.auth, guards.allowlist, guards.replay, guards.rate]) {
    expect(await guard.canActivate(request.context)).toBe(true);
  }
}

/** The result the last guard that ran handed on. */
const latest = <T>(request: ReturnType<typeof signedRequest>) => request.webhook.latest as T;

describe('SecurityModule.forRootAsync', () => {
  it('configures every guard from the factory, the rate limit included', async () => {
    const guards = await securityModule();
    for (let i = 0; i < OPTIONS.policy.defaults.burst; i++) {
      await passAll(guards, signedRequest(SHARED, { nonce: `burst-${i}` }));
    }
    const over = signedRequest(SHARED, { nonce: 'over' });
    expect(await codeOf(() => passAll(guards, over))).toBe('rate_limited');
  });

  it('is global by default, and not when asked', () => {
    expect(SecurityModule.forRoot(OPTIONS).global).toBe(true);
    expect(SecurityModule.forRootAsync({ useFactory: () => OPTIONS }).global).toBe(true);
    expect(SecurityModule.forRoot({ ...OPTIONS, isGlobal: false }).global).toBe(false);
  });
});

describe('WebhookAuthGuard', () => {
  let guards: Guards;
  beforeEach(async () => (guards = await securityModule()));

  it('establishes who signed: timestamp, replay claim (the MAC of the signed bytes) and the owners of the secret', () => {
    const ts = Math.floor(Date.now() / 1000);
    const request = signedRequest(SHARED, { nonce: 'n-auth', ts });
    const mac = createHmac('sha256', SHARED).update(`${ts}.n-auth.${BODY}`).digest('hex');
    presented(guards, request);
    expect(guards.auth.canActivate(request.context)).toBe(true);
    expect(latest<Authenticated>(request).auth).toEqual({
      timestamp: ts,
      nonce: `mac:${mac}`,
      singleUseNonce: true,
      signedBy: expect.anything(),
    });
  });

  it('401 invalid_signature for a wrong secret; missing_signature without one, from the headers alone', async () => {
    expect(await codeOf(() => authenticated(guards, signedRequest('wrong')))).toBe('invalid_signature');
    const unsigned = webhookRequest({ servedBy: specSource(), body: BODY, routed: true });
    expect(await codeOf(() => guards.credentials.canActivate(unsigned.context))).toBe('missing_signature');
  });

  // Two seconds past the 300 s window: a timestamp in whole seconds taken a moment before the
  // check is up to a second nearer than its skew says, so 301 would sometimes be inside.
  it.each([-302, 302])(
    '401 stale_timestamp %i s off, from the headers, before the signature',
    async (skew) => {
      const ts = Math.floor(Date.now() / 1000) + skew;
      const stale = signedRequest('wrong', { nonce: 'stale', ts });
      expect(await codeOf(() => guards.credentials.canActivate(stale.context))).toBe('stale_timestamp');
    },
  );

  it.each([
    ['x-nonce', 'the X-Nonce header is required'],
    ['x-timestamp', 'the X-Timestamp header is required'],
  ])('names the one header missing: without %s, "%s"', (name, detail) => {
    const headers: Record<string, string> = { ...gatewaySigned(SHARED, BODY, 'n-1'), [name]: '' };
    const { context } = webhookRequest({ servedBy: specSource(), body: BODY, headers, routed: true });
    let refused: unknown;
    try {
      expect(guards.credentials.canActivate(context)).toBe(true);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ProblemException);
    expect((refused as ProblemException).problem).toMatchObject({
      code: 'missing_signature',
      detail: expect.stringContaining(detail),
    });
  });
});

describe('ReplayGuard', () => {
  let guards: Guards;
  beforeEach(async () => (guards = await securityModule()));

  /** Past the allowlist, ready for the claim. */
  const allowed = (options: Parameters<typeof signedRequest>[1]) => {
    const request = authenticated(guards, signedRequest(SHARED, options));
    expect(guards.allowlist.canActivate(request.context)).toBe(true);
    return request;
  };

  // The claim is the MAC of the signed bytes; what else decides the event (here the unsigned
  // Idempotency-Key header) must match too, or the request is a replay.
  it('claims the signed request once: the same with another Idempotency-Key is 401 replayed_nonce', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const first = allowed({ nonce: 'once', ts });
    const { nonce } = latest<Allowed>(first).auth;
    expect(await guards.replay.canActivate(first.context)).toBe(true);
    expect(latest<Claimed>(first).redelivery).toBe(false);
    expect(guards.nonces.claimed.has(nonce!)).toBe(true);
    const other = allowed({ nonce: 'once', ts, headers: { 'idempotency-key': 'another-event' } });
    expect(await codeOf(() => guards.replay.canActivate(other.context))).toBe('replayed_nonce');
  });

  // The gateway scheme's X-Nonce is a promise of one use: the very request again is a replay...
  it('401 replayed_nonce for the very same gateway-scheme request again', async () => {
    const ts = Math.floor(Date.now() / 1000);
    await guards.replay.canActivate(allowed({ nonce: 'twice', ts }).context);
    const again = allowed({ nonce: 'twice', ts });
    expect(await codeOf(() => guards.replay.canActivate(again.context))).toBe('replayed_nonce');
  });

  // ...unless the source's policy answers it as a redelivery, with what the first one stored.
  it('lets the very same request through as a redelivery where the policy says redelivery=original', async () => {
    const ts = Math.floor(Date.now() / 1000);
    await guards.replay.canActivate(allowed({ nonce: 'twice', ts, source: 'other-bot' }).context);
    const again = allowed({ nonce: 'twice', ts, source: 'other-bot' });
    expect(await guards.replay.canActivate(again.context)).toBe(true);
    expect(latest<Claimed>(again).redelivery).toBe(true);
  });

  it('gives the nonce back when the answer asks for a retry (503), and only then', async () => {
    const retried = allowed({ nonce: 'retry' });
    const { nonce } = latest<Allowed>(retried).auth;
    await guards.replay.canActivate(retried.context);
    retried.webhook.settle({ problem: problem('nats_unavailable', 'no ack').problem });
    expect(guards.nonces.claimed.has(nonce!)).toBe(false);

    const refused = allowed({ nonce: 'refused' });
    await guards.replay.canActivate(refused.context);
    refused.webhook.settle({ problem: problem('rate_limited', 'over').problem });
    expect(guards.nonces.claimed.has(latest<Claimed>(refused).auth.nonce!)).toBe(true);
  });
});

describe('SourceAllowlistGuard', () => {
  let guards: Guards;
  beforeEach(async () => (guards = await securityModule()));

  const allowlisted = (secret: string, source: string) =>
    authenticated(guards, signedRequest(secret, { source }));

  it('establishes the allowed source id, which then labels the metrics', () => {
    const request = allowlisted(SHARED, 'other-bot');
    expect(guards.allowlist.canActivate(request.context)).toBe(true);
    expect(latest<Allowed>(request).sourceId).toBe('other-bot');
    expect(request.webhook.sourceLabel).toBe('other-bot');
  });

  it('403 source_not_allowed for a source not in the list, labelled by its route', async () => {
    const { context, webhook } = allowlisted(SHARED, 'stranger');
    expect(await codeOf(() => guards.allowlist.canActivate(context))).toBe('source_not_allowed');
    expect(webhook.sourceLabel).toBe('bot');
  });

  it('401 invalid_signature for a source with its own secret signed with a shared one, and back', async () => {
    expect(await codeOf(() => guards.allowlist.canActivate(allowlisted(SHARED, 'acme-bot').context))).toBe(
      'invalid_signature',
    );
    expect(await codeOf(() => guards.allowlist.canActivate(allowlisted(OWN, 'other-bot').context))).toBe(
      'invalid_signature',
    );
    expect(guards.allowlist.canActivate(allowlisted(OWN, 'acme-bot').context)).toBe(true);
  });
});

describe('SourcePolicyGuard', () => {
  let guards: Guards;
  beforeEach(async () => (guards = await securityModule()));

  it('limits each source by its own bucket, 429 with Retry-After past the burst', async () => {
    const run = (source: string, nonce: string) => passAll(guards, signedRequest(SHARED, { source, nonce }));
    await run('bot', 'a');
    await run('bot', 'b');
    const over = signedRequest(SHARED, { source: 'bot', nonce: 'c' });
    const refused = await passAll(guards, over).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ProblemException);
    expect((refused as ProblemException).problem).toMatchObject({
      status: 429,
      code: 'rate_limited',
      retryAfter: 1,
    });
    expect(Object.keys(over.res.headers)).toEqual([]); // no X-RateLimit-*: the answer's Retry-After is all
    await run('other-bot', 'd'); // another source's budget is untouched
  });

  it('uses up the nonce of a request it refuses: a 429 cannot be replayed later', async () => {
    await passAll(guards, signedRequest(SHARED, { nonce: 'a' }));
    await passAll(guards, signedRequest(SHARED, { nonce: 'b' }));
    const limited = signedRequest(SHARED, { nonce: 'limited' });
    expect(await codeOf(() => passAll(guards, limited))).toBe('rate_limited');
    // Whenever the bucket has refilled, the very same request is a replay.
    const replayed = authenticated(guards, signedRequest(SHARED, { nonce: 'limited' }));
    expect(guards.allowlist.canActivate(replayed.context)).toBe(true);
    expect(await codeOf(() => guards.replay.canActivate(replayed.context))).toBe('replayed_nonce');
  });
});
