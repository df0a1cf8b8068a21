import { describePolicy, policiesInForce } from './policy-in-force';
import { loadConfig } from './load-config';

describe('policiesInForce', () => {
  it('shows every allowed source with the settings the defaults and its policy add up to', () => {
    const { policy } = loadConfig({
      ALLOWED_SOURCES: 'tradingview,acme-bot',
      RATE_LIMIT_RPS: '20',
      SOURCE_POLICY:
        'tradingview:priority=critical,dedupe=strategy|ticker|time,max_age=60;acme-bot:burst=5,scope=cluster,in_flight=7,redelivery=original',
    }).security;
    const shown = policiesInForce(policy);
    expect(shown).toEqual({
      tradingview: {
        rate: 20,
        burst: 200,
        max_wait_ms: 700,
        in_flight: 1000,
        priority: 'critical',
        scope: 'replica',
        dedupe: 'strategy|ticker|time',
        max_age: 60,
        redelivery: 'by-scheme',
      },
      'acme-bot': {
        rate: 20,
        burst: 5,
        max_wait_ms: 700,
        in_flight: 7,
        priority: 'normal',
        scope: 'cluster',
        dedupe: 'off',
        max_age: 'off',
        redelivery: 'original',
      },
    });
    expect(describePolicy(shown['acme-bot'])).toBe(
      'rate=20 burst=5 max_wait_ms=700 in_flight=7 priority=normal scope=cluster dedupe=off max_age=off redelivery=original',
    );
  });
});
