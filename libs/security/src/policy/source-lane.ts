import type { Reservation } from '@gateway/contracts';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { RateLimiter } from '../rate-limit/rate-limiter';
import type { RefusalReason } from './source-policy.metrics';
import type { SourcePolicy } from './source-policy';

/** One source's metric children, bound once at start (and zeroed, so alerts see the first event). */
export interface LaneInstruments {
  inFlight: Gauge.Internal<'source'>;
  delay: Histogram.Internal<'source'>;
  refused: Record<RefusalReason, Counter.Internal>;
}

/**
 * What one source may take on this replica: its in-flight slots and its token bucket (its own,
 * or its share of the cluster's), with the metrics that show both. The guard asks, the lane counts.
 */
export class SourceLane {
  private inFlight = 0;

  constructor(
    readonly source: string,
    readonly policy: SourcePolicy,
    private readonly limiter: RateLimiter,
    private readonly instruments: LaneInstruments,
  ) {}

  /** Takes an in-flight slot; false (counted as refused) when all of them are taken. */
  enter(): boolean {
    if (this.inFlight >= this.policy.inFlight) {
      this.instruments.refused.in_flight.inc();
      return false;
    }
    this.instruments.inFlight.set(++this.inFlight);
    return true;
  }

  leave(): void {
    this.instruments.inFlight.set(--this.inFlight);
  }

  get busy(): number {
    return this.inFlight;
  }

  /** A token ready within `maxWaitMs`; a refusal is counted here, a wait once it is known. */
  async reserve(maxWaitMs: number, deadline: number): Promise<Reservation> {
    const reservation = await this.limiter.reserve(maxWaitMs, deadline);
    if ('retryAfterMs' in reservation) this.instruments.refused.rate_limited.inc();
    else this.instruments.delay.observe(reservation.readyInMs / 1000);
    return reservation;
  }
}
