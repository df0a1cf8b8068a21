import { SecurityModule } from './security.module';
import { codeOf, OPTIONS, passAll, securityModule, SHARED, signedRequest } from './security.module.fixtures';

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
