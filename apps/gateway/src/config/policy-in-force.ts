import type { SourcePolicy, SourcePolicyOptions } from '@gateway/security';

/** What the start log shows of one source's policy: every setting in force, by its policy name. */
export type PolicyInForce = Record<string, string | number>;

/**
 * Each allowed source's policy as it is in force after the defaults and SOURCE_POLICY(_FILE)
 * are merged (contract 7.1): one entry per source, logged once at start so an operator sees what
 * the variables added up to without working it out. The keys are the names SOURCE_POLICY uses.
 */
export function policiesInForce(policy: SourcePolicyOptions): Record<string, PolicyInForce> {
  return Object.fromEntries(Object.entries(policy.sources).map(([source, p]) => [source, inForce(p)]));
}

function inForce(p: SourcePolicy): PolicyInForce {
  return {
    rate: p.rate,
    burst: p.burst,
    max_wait_ms: p.maxWaitMs,
    in_flight: p.inFlight,
    priority: p.priority,
    scope: p.scope,
    dedupe: p.dedupe?.join('|') ?? 'off',
    max_age: p.maxAgeSec ?? 'off',
    // Unset, the source's scheme decides: a redelivery is answered with its original event,
    // except under the gateway scheme's single-use X-Nonce.
    redelivery: p.redelivery ?? 'by-scheme',
  };
}

/** `rate=50 burst=500 ...`: the same settings as one line of text, for a reader without a log viewer. */
export const describePolicy = (settings: PolicyInForce): string =>
  Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
