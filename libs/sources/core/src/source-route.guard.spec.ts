import { ProblemException } from '@gateway/contracts';
import { specSource, webhookRequest } from '@gateway/testing';
import { SourceRouteGuard } from './source-route.guard';

describe('SourceRouteGuard', () => {
  const guard = new SourceRouteGuard();
  const bot = specSource({ route: 'bot', contentTypes: ['application/json', 'text/plain'] });

  const problemOf = (request: ReturnType<typeof webhookRequest>) => {
    try {
      guard.canActivate(request.context);
    } catch (err) {
      expect(err).toBeInstanceOf(ProblemException);
      return (err as ProblemException).problem;
    }
    throw new Error('passed');
  };

  it.each(['application/json', 'Application/JSON; charset=utf-8', 'text/plain'])(
    'establishes the served source for %s',
    (type) => {
      const request = webhookRequest({ servedBy: bot, headers: { 'content-type': type } });
      expect(guard.canActivate(request.context)).toBe(true);
      expect(request.webhook.reached('routed').adapter).toBe(bot);
    },
  );

  it('404 not_found where no source is served', () => {
    expect(problemOf(webhookRequest({ route: 'nobody' }))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it.each(['application/x-www-form-urlencoded', ''])('415 unsupported_media_type for %p', (type) => {
    const request = webhookRequest({ servedBy: bot, headers: { 'content-type': type } });
    expect(problemOf(request)).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect(() => request.webhook.reached('routed')).toThrow();
  });
});
