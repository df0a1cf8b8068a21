import type { SignedBy } from '@gateway/contracts';
import type { Counter } from 'prom-client';
import { SHARED_SECRET_OWNER, SigningKeys } from './signing-keys';

/**
 * Who each key may sign for, and its `gateway_webhooks_verified_total{source,key}` children,
 * bound (and set to 0, so a dashboard sees every key from the start) when the keys are loaded:
 * counting a request is then a map lookup and an increment, never a label object.
 */
export class KeyOwnership {
  private readonly withOwnKeys: ReadonlySet<string>;
  /** Per key: the counter child of each source the key may sign for. */
  private readonly counters: readonly ReadonlyMap<string, Counter.Internal>[];

  constructor(
    private readonly keys: SigningKeys,
    allowedSources: readonly string[],
    verified: Counter<'source' | 'key'>,
  ) {
    this.withOwnKeys = new Set(keys.owners.filter((owner) => owner !== SHARED_SECRET_OWNER));
    const sharedBy = allowedSources.filter((source) => !this.withOwnKeys.has(source));
    this.counters = keys.owners.map((owner, i) => {
      const sources = owner === SHARED_SECRET_OWNER ? sharedBy : [owner];
      return new Map(sources.map((source) => [source, verified.labels(source, keys.ids[i])]));
    });
    for (const children of this.counters) for (const child of children.values()) child.inc(0);
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

  counterOf(index: number, source: string): Counter.Internal | undefined {
    return this.counters[index].get(source);
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
    if (index !== undefined) this.ownership.counterOf(index, source)?.inc();
  }
}
