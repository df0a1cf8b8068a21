import { Injectable, Optional } from '@nestjs/common';
import { RateLeaseStore } from '@gateway/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { ClusterBucket } from '../rate-limit/cluster-bucket';
import { LocalBucket } from '../rate-limit/local-bucket';
import type { RateLimiter } from '../rate-limit/rate-limiter';
import { SourceLane } from './source-lane';
import { SourcePolicies } from './source-policies';
import type { SourcePolicy } from './source-policy';
import {
  RATE_LEASES_TOTAL,
  SOURCE_IN_FLIGHT,
  SOURCE_REFUSALS_TOTAL,
  SOURCE_SHAPING_DELAY_SECONDS,
} from './source-policy.metrics';

/** The lane of every allowed source, built at start with its metrics at zero. */
@Injectable()
export class SourceLanes {
  private readonly lanes = new Map<string, SourceLane>();

  constructor(
    private readonly policies: SourcePolicies,
    @InjectMetric(SOURCE_IN_FLIGHT) private readonly inFlight: Gauge<'source'>,
    @InjectMetric(SOURCE_SHAPING_DELAY_SECONDS) private readonly delay: Histogram<'source'>,
    @InjectMetric(SOURCE_REFUSALS_TOTAL) private readonly refusals: Counter<'source' | 'reason'>,
    @InjectMetric(RATE_LEASES_TOTAL) private readonly leases: Counter<'source'>,
    // Provided by the NATS module; needed only when a source's limit is cluster-wide.
    @Optional() private readonly leaseStore?: RateLeaseStore,
  ) {
    for (const [source, policy] of policies.sources) this.lanes.set(source, this.build(source, policy));
  }

  /** The lane of an allowed source (the guard runs after the allowlist). */
  of(source: string): SourceLane {
    let lane = this.lanes.get(source);
    if (!lane) this.lanes.set(source, (lane = this.build(source, this.policies.of(source))));
    return lane;
  }

  private build(source: string, policy: SourcePolicy): SourceLane {
    const instruments = {
      inFlight: this.inFlight.labels(source),
      delay: this.delay.labels(source),
      refused: {
        rate_limited: this.refusals.labels(source, 'rate_limited'),
        in_flight: this.refusals.labels(source, 'in_flight'),
      },
    };
    instruments.inFlight.set(0);
    this.delay.zero({ source });
    instruments.refused.rate_limited.inc(0);
    instruments.refused.in_flight.inc(0);
    return new SourceLane(source, policy, this.limiterOf(source, policy), instruments);
  }

  private limiterOf(source: string, policy: SourcePolicy): RateLimiter {
    if (policy.scope === 'replica') return new LocalBucket(policy);
    if (!this.leaseStore)
      throw new Error(`source ${source} has a cluster-wide limit but no RateLeaseStore is provided`);
    const leases = this.leases.labels(source);
    leases.inc(0);
    return new ClusterBucket(source, policy, policy.maxWaitMs, this.leaseStore, () => leases.inc());
  }
}
