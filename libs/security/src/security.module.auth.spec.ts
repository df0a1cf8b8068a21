import { createHmac } from 'node:crypto';
import { ProblemException } from '@gateway/contracts';
import { gatewaySigned, specSource, webhookRequest } from '@gateway/testing';
import type { Authenticated } from '@gateway/webhook';
import {
  authenticated,
  BODY,
  codeOf,
  type Guards,
  latest,
  presented,
  securityModule,
  SHARED,
  signedRequest,
} from './security.module.fixtures';

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
      nonceSignsBody: true,
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
