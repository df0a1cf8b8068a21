import { ProblemException } from '@gateway/contracts';
import { specSource, webhookRequest } from '@gateway/testing';
import { routeOf } from './source-route';

describe('routeOf', () => {
  const bot = specSource({ route: 'bot', contentTypes: ['application/json', 'text/plain'] });

  const problemOf = (request: ReturnType<typeof webhookRequest>) => {
    try {
      routeOf(request.webhook);
    } catch (err) {
      expect(err).toBeInstanceOf(ProblemException);
      return (err as ProblemException).problem;
    }
    throw new Error('passed');
  };

  it.each(['application/json', 'Application/JSON; charset=utf-8', 'text/plain'])(
    'finds the served source for %s',
    (type) => {
      const request = webhookRequest({ servedBy: bot, headers: { 'content-type': type } });
      expect(routeOf(request.webhook)).toEqual({ adapter: bot });
    },
  );

  it('404 not_found where no source is served', () => {
    expect(problemOf(webhookRequest({ route: 'nobody' }))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it.each(['application/x-www-form-urlencoded', ''])('415 unsupported_media_type for %p', (type) => {
    const request = webhookRequest({ servedBy: bot, headers: { 'content-type': type } });
    expect(problemOf(request)).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });
});
