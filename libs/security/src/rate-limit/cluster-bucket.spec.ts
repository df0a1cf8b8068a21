import {
  type BucketLimits,
  RateLeaseStore,
  type Reservation,
  StoreUnavailableError,
} from '@gateway/contracts';
import { ClusterBucket } from './cluster-bucket';
import { type BucketState, reserveTokens } from './token-bucket';

/** The lease store's contract in memory (the NATS one does the same with a CAS per lease). */
class MemoryLeaseStore extends RateLeaseStore {
  private readonly states = new Map<string, BucketState>();
  leases = 0;
  down = false;

  constructor(private readonly now: () => number) {
    super();
  }

  lease(key: string, limits: BucketLimits, want: number, maxWaitMs: number): Promise<Reservation> {
    this.leases++;
    if (this.down) return Promise.reject(new StoreUnavailableError('NATS reconnecting'));
    const next = reserveTokens(this.states.get(key), limits, want, maxWaitMs, this.now());
    this.states.set(key, next.state);
    return Promise.resolve(next.reservation);
  }
}

const FAR = Number.MAX_SAFE_INTEGER;
const granted = (rs: Reservation[]): number => rs.filter((r) => r.granted > 0).length;

describe('ClusterBucket', () => {
  let clock: number;
  let store: MemoryLeaseStore;
  const replica = (limits: BucketLimits, maxWaitMs = 0) =>
    new ClusterBucket('acme-bot', limits, maxWaitMs, store, undefined, () => clock);

  beforeEach(() => {
    clock = 1_000_000;
    store = new MemoryLeaseStore(() => clock);
  });

  it('serves a burst of concurrent requests with a few round trips, not one each', async () => {
    const bucket = replica({ rate: 100, burst: 1000 });
    const replies = await Promise.all(
      Array.from({ length: 1000 }, () => Promise.resolve(bucket.reserve(0, FAR))),
    );
    expect(granted(replies)).toBe(1000);
    // The first request leases a batch; everyone arriving meanwhile is served by the next lease.
    expect(store.leases).toBeLessThanOrEqual(3);
  });

  it('makes one round trip per batch (100 ms of the rate) for requests one after another', async () => {
    const bucket = replica({ rate: 100, burst: 1000 });
    for (let i = 0; i < 1000; i++) expect((await bucket.reserve(0, FAR)).granted).toBe(1);
    expect(store.leases).toBe(100); // batches of 10
  });

  it('holds two replicas together to the one cluster-wide burst', async () => {
    const a = replica({ rate: 1, burst: 20 });
    const b = replica({ rate: 1, burst: 20 });
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => Promise.resolve((i % 2 ? a : b).reserve(0, FAR))),
    );
    expect(granted(replies)).toBe(20);
  });

  it('hands out reserved tokens with the wait each one needs', async () => {
    const bucket = replica({ rate: 10, burst: 2 }, 500);
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => Promise.resolve(bucket.reserve(500, FAR))),
    );
    const waits = replies.map((r) => ('readyInMs' in r ? Math.round(r.readyInMs) : 'refused'));
    expect(waits).toEqual([0, 0, 100, 200, 300, 400, 500, 'refused']);
  });

  it('refuses with the time after which a request would get a token within its wait', async () => {
    const bucket = replica({ rate: 10, burst: 1 });
    await bucket.reserve(0, FAR);
    const refused = await bucket.reserve(0, FAR);
    expect(refused).toEqual({ granted: 0, retryAfterMs: 100 });
  });

  it('drops leased tokens it did not hand out within a second: never more than the cluster budget', async () => {
    const bucket = replica({ rate: 100, burst: 100 });
    await bucket.reserve(0, FAR); // leases a batch of 10, hands out 1
    clock += 1000;
    await bucket.reserve(0, FAR);
    expect(store.leases).toBe(2);
  });

  it('fails every waiting request when the store cannot be reached (the guard answers 503)', async () => {
    const bucket = replica({ rate: 10, burst: 10 });
    store.down = true;
    const replies = Array.from({ length: 3 }, () => Promise.resolve(bucket.reserve(0, FAR)));
    for (const reply of replies) await expect(reply).rejects.toBeInstanceOf(StoreUnavailableError);
    store.down = false;
    expect((await bucket.reserve(0, FAR)).granted).toBe(1);
  });
});
