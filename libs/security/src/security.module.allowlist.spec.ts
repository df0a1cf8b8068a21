import type { Allowed } from '@gateway/webhook';
import {
  authenticated,
  codeOf,
  type Guards,
  latest,
  OWN,
  securityModule,
  SHARED,
  signedRequest,
} from './security.module.fixtures';

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
