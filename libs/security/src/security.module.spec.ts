import { createHmac } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { NonceStore, ProblemException, type ProblemCode } from '@gateway/contracts';
import {
  FakePortsModule,
  gatewaySigned,
  InMemoryNonceStore,
  specSource,
  webhookRequest,
} from '@gateway/testing';
import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
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

/** The module as an app builds it asynchronously: the options come from a factory. */
async function securityModule() {
  const moduleRef = await Test.createTestingModule({
    imports: [FakePortsModule, SecurityModule.forRootAsync({ useFactory: () => Promise.resolve(OPTIONS) })],
  }).compile();
  await moduleRef.init();
  return {
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
    if (err instanceof ThrottlerException && err.getStatus() === 429) return 'rate_limited';
    expect(err).toBeInstanceOf(ProblemException);
    return (err as ProblemException).problem.code;
  }
  throw new Error('passed');
}

/** The security guards in @WebhookRoute()'s order, after the route check. */
async function passAll(guards: Guards, context: ExecutionContext): Promise<void> {
  for (const guard of [guards.auth, guards.replay, guards.allowlist, guards.rate]) {
    expect(await guard.canActivate(context)).toBe(true);
  }
}

describe('SecurityModule.forRootAsync', () => {
  it('configures every guard from the factory, the rate limit included', async () => {
    const guards = await securityModule();
    for (let i = 0; i < OPTIONS.policy.defaults.burst; i++) {
      await passAll(guards, signedRequest(SHARED, { nonce: `burst-${i}` }).context);
    }
    const { context } = signedRequest(SHARED, { nonce: 'over' });
    expect(await codeOf(() => passAll(guards, context))).toBe('rate_limited');
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
    const { context, webhook } = signedRequest(SHARED, { nonce: 'n-auth', ts: 1795780800 });
    const mac = createHmac('sha256', SHARED).update(`1795780800.n-auth.${BODY}`).digest('hex');
    expect(guards.auth.canActivate(context)).toBe(true);
    expect(webhook.reached('authenticated').auth).toEqual({
      timestamp: 1795780800,
      nonce: `mac:${mac}`,
      singleUseNonce: true,
      signedBy: expect.anything(),
    });
  });

  it('401 invalid_signature for a wrong secret, missing_signature without one', async () => {
    expect(await codeOf(() => guards.auth.canActivate(signedRequest('wrong').context))).toBe(
      'invalid_signature',
    );
    const unsigned = webhookRequest({ servedBy: specSource(), body: BODY, routed: true });
    expect(await codeOf(() => guards.auth.canActivate(unsigned.context))).toBe('missing_signature');
  });

  it.each([
    ['x-nonce', 'the X-Nonce header is required'],
    ['x-timestamp', 'the X-Timestamp header is required'],
  ])('names the one header missing: without %s, "%s"', (name, detail) => {
    const headers: Record<string, string> = { ...gatewaySigned(SHARED, BODY, 'n-1'), [name]: '' };
    const { context } = webhookRequest({ servedBy: specSource(), body: BODY, headers, routed: true });
    let refused: unknown;
    try {
      guards.auth.canActivate(context);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ProblemException);
    expect((refused as ProblemException).problem).toMatchObject({
      code: 'missing_signature',
      detail: expect.stringContaining(detail),
    });
  });

  it('refuses to run before the route check established the source', () => {
    const { context } = webhookRequest({ servedBy: specSource(), body: BODY });
    expect(() => guards.auth.canActivate(context)).toThrow(/"routed" has not run/);
  });
});

describe('ReplayGuard', () => {
  let guards: Guards;
  beforeEach(async () => (guards = await securityModule()));

  const authenticated = (options: Parameters<typeof signedRequest>[1]) => {
    const request = signedRequest(SHARED, options);
    guards.auth.canActivate(request.context);
    return request;
  };

  // The claim is the MAC of the signed bytes; what else decides the event (here the unsigned
  // Idempotency-Key header) must match too, or the request is a replay.
  it('claims the signed request once: the same with another Idempotency-Key is 401 replayed_nonce', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const first = authenticated({ nonce: 'once', ts });
    expect(await guards.replay.canActivate(first.context)).toBe(true);
    expect(first.webhook.redelivery).toBe(false);
    expect(guards.nonces.claimed.has(first.webhook.reached('authenticated').auth.nonce!)).toBe(true);
    const other = authenticated({ nonce: 'once', ts, headers: { 'idempotency-key': 'another-event' } });
    expect(await codeOf(() => guards.replay.canActivate(other.context))).toBe('replayed_nonce');
  });

  // The gateway scheme's X-Nonce is a promise of one use: the very request again is a replay...
  it('401 replayed_nonce for the very same gateway-scheme request again', async () => {
    const ts = Math.floor(Date.now() / 1000);
    await guards.replay.canActivate(authenticated({ nonce: 'twice', ts }).context);
    const again = authenticated({ nonce: 'twice', ts });
    expect(await codeOf(() => guards.replay.canActivate(again.context))).toBe('replayed_nonce');
  });

  // ...unless the source's policy answers it as a redelivery, with what the first one stored.
  it('lets the very same request through as a redelivery where the policy says redelivery=original', async () => {
    const ts = Math.floor(Date.now() / 1000);
    await guards.replay.canActivate(authenticated({ nonce: 'twice', ts, source: 'other-bot' }).context);
    const again = authenticated({ nonce: 'twice', ts, source: 'other-bot' });
    expect(await guards.replay.canActivate(again.context)).toBe(true);
    expect(again.webhook.redelivery).toBe(true);
  });

  // Two seconds past the 300 s window: a timestamp in whole seconds taken a moment before the
  // check is up to a second nearer than its skew says, so 301 would sometimes be inside.
  it.each([-302, 302])('401 stale_timestamp %i s off, without claiming the nonce', async (skew) => {
    const ts = Math.floor(Date.now() / 1000) + skew;
    const { context } = authenticated({ nonce: 'stale', ts });
    expect(await codeOf(() => guards.replay.canActivate(context))).toBe('stale_timestamp');
    expect(guards.nonces.claimed.size).toBe(0);
  });
});

describe('SourceAllowlistGuard', () => {
  let guards: Guards;
  beforeEach(async () => (guards = await securityModule()));

  const allowlisted = (secret: string, source: string) => {
    const request = signedRequest(secret, { source });
    guards.auth.canActivate(request.context);
    return request;
  };

  it('establishes the allowed source id, which then labels the metrics', () => {
    const { context, webhook } = allowlisted(SHARED, 'other-bot');
    expect(guards.allowlist.canActivate(context)).toBe(true);
    expect(webhook.reached('allowed').sourceId).toBe('other-bot');
    expect(webhook.sourceLabel).toBe('other-bot');
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
    const run = (source: string, nonce: string) => {
      const request = signedRequest(SHARED, { source, nonce });
      return passAll(guards, request.context).then(() => request);
    };
    await run('bot', 'a');
    await run('bot', 'b');
    const { context, res } = signedRequest(SHARED, { source: 'bot', nonce: 'c' });
    const refused = await passAll(guards, context).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ThrottlerException);
    expect([(refused as ThrottlerException).getStatus(), res.headers['retry-after']]).toEqual([429, '1']);
    expect(Object.keys(res.headers)).toEqual(['retry-after']); // no X-RateLimit-* nor Retry-After-source
    await run('other-bot', 'd'); // another source's budget is untouched
  });

  it('uses up the nonce of a request it refuses: a 429 cannot be replayed later', async () => {
    await passAll(guards, signedRequest(SHARED, { nonce: 'a' }).context);
    await passAll(guards, signedRequest(SHARED, { nonce: 'b' }).context);
    const limited = signedRequest(SHARED, { nonce: 'limited' });
    expect(await codeOf(() => passAll(guards, limited.context))).toBe('rate_limited');
    // Whenever the bucket has refilled, the very same request is a replay.
    const replayed = signedRequest(SHARED, { nonce: 'limited' });
    guards.auth.canActivate(replayed.context);
    expect(await codeOf(() => guards.replay.canActivate(replayed.context))).toBe('replayed_nonce');
  });
});
