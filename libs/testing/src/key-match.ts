import type { KeyMatch } from '@gateway/contracts';

/**
 * Keys as the gateway reports a match to a scheme's verifier, for specs that lend a verifier
 * their own HmacKeys: the owners and ids given, speaking for an owner (or any source for `*`).
 */
export function keyMatch(owners: readonly string[], keyIds: readonly string[]): KeyMatch {
  return {
    owners,
    keyIds,
    speaksFor: (source) => owners.includes(source) || owners.includes('*'),
    countFor: () => undefined,
  };
}
