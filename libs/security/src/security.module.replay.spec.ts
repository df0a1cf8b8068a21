import { problem } from '@gateway/contracts';
import type { Allowed, Claimed } from '@gateway/webhook';
import {
  authenticated,
  codeOf,
  type Guards,
  latest,
  securityModule,
  SHARED,
  signedRequest,
} from './security.module.fixtures';

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
