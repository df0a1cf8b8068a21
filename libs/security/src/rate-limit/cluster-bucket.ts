import type { BucketLimits, RateLeaseStore, Reservation } from '@gateway/contracts';
import type { RateLimiter } from './rate-limiter';

/** A batch is 100 ms of the sustained rate: what one replica may hold unused is small. */
const BATCH_SECONDS = 0.1;
/** Leased tokens not handed out by then are dropped: the cluster may under-use, never overspend. */
const POCKET_TTL_MS = 1000;

interface Waiter {
  maxWaitMs: number;
  deadline: number;
  resolve(reservation: Reservation): void;
  reject(err: unknown): void;
}

/**
 * A source's share of a bucket held in a RateLeaseStore for the whole cluster. Tokens are leased
 * in batches and handed out locally, so most requests make no round trip; requests that arrive
 * while a lease is under way join it, and the next lease asks for as many as are waiting. The
 * tokens of one lease are consecutive in the shared bucket, so each one's ready time is exact.
 */
export class ClusterBucket implements RateLimiter {
  private pocket = 0;
  /** When the last token in the pocket is ready (epoch ms). */
  private lastReadyAt = 0;
  private expiresAt = 0;
  private readonly queue: Waiter[] = [];
  private leasing = false;
  private readonly batch: number;
  private readonly msPerToken: number;

  constructor(
    private readonly key: string,
    private readonly limits: BucketLimits,
    private readonly maxWaitMs: number,
    private readonly store: RateLeaseStore,
    /** Called once per round trip to the store (a metric). */
    private readonly onLease: () => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.batch = Math.max(1, Math.ceil(limits.rate * BATCH_SECONDS));
    this.msPerToken = 1000 / limits.rate;
  }

  reserve(maxWaitMs: number, deadline: number): Reservation | Promise<Reservation> {
    if (this.queue.length === 0) {
      const taken = this.take(maxWaitMs, this.now());
      if (taken) return taken;
    }
    return new Promise<Reservation>((resolve, reject) => {
      this.queue.push({ maxWaitMs, deadline, resolve, reject });
      void this.lease();
    });
  }

  /** A token from the pocket ready within `maxWaitMs`, if there is one. */
  private take(maxWaitMs: number, now: number): Reservation | undefined {
    if (this.pocket === 0 || now >= this.expiresAt) return undefined;
    const readyInMs = Math.max(0, this.lastReadyAt - (this.pocket - 1) * this.msPerToken - now);
    if (readyInMs > maxWaitMs) return undefined;
    this.pocket--;
    return { granted: 1, readyInMs };
  }

  private async lease(): Promise<void> {
    if (this.leasing) return;
    this.leasing = true;
    try {
      while (this.queue.length > 0) {
        const want = Math.max(this.queue.length, this.batch);
        this.onLease();
        let reservation: Reservation;
        try {
          reservation = await this.store.lease(
            this.key,
            this.limits,
            want,
            this.maxWaitMs,
            this.queue[0].deadline,
          );
        } catch (err) {
          for (const waiter of this.queue.splice(0)) waiter.reject(err);
          return;
        }
        this.handOut(reservation);
      }
    } finally {
      this.leasing = false;
    }
  }

  private handOut(reservation: Reservation): void {
    const now = this.now();
    if ('retryAfterMs' in reservation) {
      // The shared bucket has nothing within the wait: everyone waiting now is refused alike.
      for (const waiter of this.queue.splice(0)) waiter.resolve(reservation);
      return;
    }
    // Whatever was left in the pocket is older and ready sooner: it stays in front of the new batch.
    const previous = this.pocket > 0 && now < this.expiresAt ? this.pocket : 0;
    this.pocket = previous + reservation.granted;
    this.lastReadyAt = now + reservation.readyInMs;
    this.expiresAt = now + POCKET_TTL_MS;
    while (this.queue.length > 0) {
      const waiter = this.queue[0];
      const taken = this.take(waiter.maxWaitMs, now);
      if (!taken) break;
      this.queue.shift();
      waiter.resolve(taken);
    }
    // A waiter whose own budget is shorter than the next token: refused, it cannot wait that long.
    if (this.queue.length > 0 && this.pocket > 0) {
      const nextReadyIn = this.lastReadyAt - (this.pocket - 1) * this.msPerToken - now;
      for (const waiter of this.queue.splice(0)) {
        waiter.resolve({ granted: 0, retryAfterMs: Math.max(1, nextReadyIn - waiter.maxWaitMs) });
      }
    }
  }
}
