import { ProblemException } from '@gateway/contracts';
import {
  authenticated,
  codeOf,
  type Guards,
  passAll,
  securityModule,
  SHARED,
  signedRequest,
} from './security.module.fixtures';

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
