import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { loadSourcePolicy, PolicyInputs } from './source-policy';

const BASE: PolicyInputs = {
  rate: 50,
  inFlight: 1000,
  allowedSources: ['tradingview', 'acme-bot', 'other.bot'],
  publishTimeoutMs: 1500,
};

/** The lines of the ConfigError loadSourcePolicy throws (fails the test when it does not). */
function errorLines(inputs: Partial<PolicyInputs>): string[] {
  try {
    loadSourcePolicy({ ...BASE, ...inputs });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message.split('\n');
  }
  throw new Error(`accepted ${JSON.stringify(inputs)}`);
}

function policyFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('loadSourcePolicy', () => {
  it('gives every allowed source the defaults of the variables', () => {
    const { sources } = loadSourcePolicy(BASE);
    expect(Object.keys(sources)).toEqual(BASE.allowedSources);
    expect(sources['acme-bot']).toEqual({
      rate: 50,
      burst: 500,
      maxWaitMs: 700, // 2200 ms store budget - 1500 ms publish timeout
      inFlight: 1000,
      priority: 'normal',
      scope: 'replica',
    });
  });

  it('derives the default wait from the publish timeout: the publishes keep their time', () => {
    expect(loadSourcePolicy({ ...BASE, publishTimeoutMs: 1000 }).defaults.maxWaitMs).toBe(1200);
    expect(loadSourcePolicy({ ...BASE, publishTimeoutMs: 2000 }).defaults.maxWaitMs).toBe(200);
  });

  it('reads SOURCE_POLICY entries, with * for every source', () => {
    const { sources } = loadSourcePolicy({
      ...BASE,
      compact:
        '*: in_flight=200 ; tradingview:priority=critical,burst=800;acme-bot:rate=5,scope=cluster,max_wait_ms=0',
    });
    expect(sources.tradingview).toMatchObject({ rate: 50, burst: 800, priority: 'critical', inFlight: 200 });
    // A source that sets its rate and no burst gets ten seconds of its own rate.
    expect(sources['acme-bot']).toMatchObject({
      rate: 5,
      burst: 50,
      scope: 'cluster',
      maxWaitMs: 0,
      inFlight: 200,
    });
    expect(sources['other.bot']).toMatchObject({ rate: 50, burst: 500, inFlight: 200, priority: 'normal' });
  });

  it('reads the JSON policy file', () => {
    const file = policyFile({
      sources: { '*': { rate: 20 }, 'acme-bot': { rate: 2.5, burst: 5, in_flight: 10 } },
    });
    const { sources, defaults } = loadSourcePolicy({ ...BASE, file });
    expect(defaults).toMatchObject({ rate: 20, burst: 200 });
    expect(sources['acme-bot']).toMatchObject({ rate: 2.5, burst: 5, inFlight: 10 });
    expect(sources.tradingview).toMatchObject({ rate: 20, burst: 200 });
  });

  it('reads dedupe fields and max_age, off unless set', () => {
    const { sources } = loadSourcePolicy({
      ...BASE,
      compact: 'tradingview:dedupe=strategy|ticker|action|time,max_age=60',
    });
    expect(sources.tradingview).toMatchObject({
      dedupe: ['strategy', 'ticker', 'action', 'time'],
      maxAgeSec: 60,
    });
    expect(sources['acme-bot'].dedupe).toBeUndefined();
    expect(sources['acme-bot'].maxAgeSec).toBeUndefined();
    const file = policyFile({ sources: { 'acme-bot': { dedupe: ['id', 'bar'], max_age: 30 } } });
    expect(loadSourcePolicy({ ...BASE, file }).sources['acme-bot']).toMatchObject({
      dedupe: ['id', 'bar'],
      maxAgeSec: 30,
    });
  });

  it('reports every mistake, one line each, naming the source and the setting', () => {
    const lines = errorLines({
      compact:
        'stranger:rate=1;acme-bot:rate=fast,priority=urgent,speed=3;acme-bot:burst=2;tradingview:burst',
    });
    expect(lines).toEqual([
      'SOURCE_POLICY tradingview: "burst" must be <key>=<value>',
      'SOURCE_POLICY names stranger, which is not in ALLOWED_SOURCES',
      'SOURCE_POLICY acme-bot: rate must be a number (got "fast")',
      'SOURCE_POLICY acme-bot: priority must be one of critical, normal',
      'SOURCE_POLICY acme-bot: unknown setting "speed" (known: rate, burst, max_wait_ms, in_flight, priority, scope, dedupe, max_age, redelivery)',
      'SOURCE_POLICY names acme-bot twice',
    ]);
  });

  it.each([
    ['burst=0', 'burst must be between 1 and 1000000 (got 0)'],
    ['in_flight=1.5', 'in_flight must be an integer (got "1.5")'],
    ['scope=global', 'scope must be one of replica, cluster'],
    ['max_age=0', 'max_age must be between 1 and 604800 (got 0)'],
    ['max_age=1.5', 'max_age must be an integer (got "1.5")'],
    ...['dedupe=ticker|ticker', 'dedupe=', 'dedupe=a b'].map((setting) => [
      setting,
      'dedupe must list 1-16 distinct payload field names (a JSON array in the file, name|name|... in SOURCE_POLICY)',
    ]),
  ])('refuses %p', (setting, message) => {
    expect(errorLines({ compact: `acme-bot:${setting}` })).toEqual([`SOURCE_POLICY acme-bot: ${message}`]);
  });

  it('refuses a wait that would eat into the publish timeout, and says why', () => {
    const [line] = errorLines({ compact: 'acme-bot:max_wait_ms=1000' });
    expect(line).toMatch(
      /^SOURCE_POLICY acme-bot: max_wait_ms must be at most 700: .*NATS_PUBLISH_TIMEOUT_MS/,
    );
    expect(errorLines({ maxWaitMs: 701 })[0]).toMatch(/^RATE_LIMIT_MAX_WAIT_MS must be at most 700/);
  });

  it('keeps the policy in one place: SOURCE_POLICY and SOURCE_POLICY_FILE together are refused', () => {
    const file = policyFile({ sources: {} });
    expect(errorLines({ compact: 'acme-bot:rate=1', file })[0]).toMatch(/both set/);
  });

  it.each([
    [
      'not JSON',
      '{ "sources": ',
      /^SOURCE_POLICY_FILE .*: .*JSON.* \(expected \{ "sources": \{ "<source>": /,
    ],
    ['an array', [], /must be a JSON object with one member, "sources"/],
    ['an unknown member', { sources: {}, defaults: {} }, /must be a JSON object with one member/],
    ['a source that is not an object', { sources: { 'acme-bot': 5 } }, /acme-bot must be an object/],
    [
      // A source's verification is what its module declares, chosen by its own variables.
      'a verification member, which is no policy setting',
      { sources: { 'acme-bot': { verification: { scheme: 'hmac' } } } },
      /acme-bot: unknown setting "verification"/,
    ],
  ])('refuses a policy file with %s', (_, content, message) => {
    expect(errorLines({ file: policyFile(content) })[0]).toMatch(message);
  });

  it.each(['{"tradingview":{"rate":50}}', ' [{"source":"tradingview"}]'])(
    'refuses JSON in SOURCE_POLICY in one line, showing its own form and where JSON goes (%s)',
    (compact) => {
      expect(errorLines({ compact })).toEqual([
        'SOURCE_POLICY takes <source>:<key>=<value>,...;... (e.g. tradingview:rate=50,burst=500), not JSON: JSON goes in a file named by SOURCE_POLICY_FILE',
      ]);
    },
  );

  it('names a policy file it cannot read', () => {
    expect(errorLines({ file: '/nonexistent/policy.json' })[0]).toMatch(
      /^SOURCE_POLICY_FILE \/nonexistent\/policy.json: ENOENT/,
    );
  });
});
