import type { SignedBy } from '@gateway/contracts';
import type { Tally, VerifiedTallies } from '../verified-tallies';
import { SHARED_SECRET_OWNER, SigningKeys } from './signing-keys';

/**
 * Who each key may sign for, and its `gateway_webhooks_verified_total{source,key}` tallies,
 * bound (at 0, so a dashboard sees every key from the start) when the keys are loaded: counting
 * a request is then a map lookup and `n++`, never a label object.
 */
export class KeyOwnership {
  private readonly withOwnKeys: ReadonlySet<string>;
  /** Per key: the tally of each source the key may sign for. */
  private readonly tallies: readonly ReadonlyMap<string, Tally>[];

  constructor(
    private readonly keys: SigningKeys,
    allowedSources: readonly string[],
    verified: VerifiedTallies,
  ) {
    this.withOwnKeys = new Set(keys.owners.filter((owner) => owner !== SHARED_SECRET_OWNER));
    const sharedBy = allowedSources.filter((source) => !this.withOwnKeys.has(source));
    this.tallies = keys.owners.map((owner, i) => {
      const sources = owner === SHARED_SECRET_OWNER ? sharedBy : [owner];
      return new Map(sources.map((source) => [source, verified.of(source, keys.ids[i])]));
    });
  }

  /** The owner whose keys `source` must be signed with: itself when it has keys of its own. */
  ownerFor(source: string): string {
    return this.withOwnKeys.has(source) ? source : SHARED_SECRET_OWNER;
  }

  signedBy(matched: readonly number[]): SignedBy {
    return new MatchedKeys(this, matched);
  }

  ownsKey(index: number, source: string): boolean {
    return this.keys.owners[index] === this.ownerFor(source);
  }

  tallyOf(index: number, source: string): Tally | undefined {
    return this.tallies[index].get(source);
  }
}

/** The keys that verified one request, judged by the key set they came from. */
class MatchedKeys implements SignedBy {
  constructor(
    private readonly ownership: KeyOwnership,
    private readonly matched: readonly number[],
  ) {}

  speaksFor(source: string): boolean {
    return this.matched.some((index) => this.ownership.ownsKey(index, source));
  }

  countFor(source: string): void {
    const index = this.matched.find((i) => this.ownership.ownsKey(i, source));
    const tally = index === undefined ? undefined : this.ownership.tallyOf(index, source);
    if (tally) tally.n++;
  }
}
