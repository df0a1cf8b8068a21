import { Injectable } from '@nestjs/common';
import { type Signal, staleSignalIssue, type ValidationIssue } from '@gateway/contracts';
import { SIGNAL_AGE_SECONDS } from '@gateway/observability';
import { SourcePolicies } from '@gateway/security';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';

/**
 * How old each signal is when it arrives (`gateway_signal_age_seconds{source}`), and whether its
 * source takes it at that age (`max_age`): a signal minutes late is as dangerous to a trading desk
 * as a lost one. A signal stamped ahead of the clock counts as 0 s old.
 */
@Injectable()
export class SignalFreshness {
  /** Each source's series, bound once: a signal never builds a label object. */
  private readonly bySource = new Map<string, Histogram.Internal<'source'>>();

  constructor(
    @InjectMetric(SIGNAL_AGE_SECONDS) private readonly ages: Histogram<'source'>,
    private readonly policies: SourcePolicies,
  ) {
    // Every source's series exists from the start, so a dashboard sees its first signal.
    for (const [source] of policies.sources) {
      ages.zero({ source });
      this.bySource.set(source, ages.labels(source));
    }
  }

  /** Records the signal's age; the issue to dead-letter it with when its source finds it too old. */
  staleness(source: string, signal: Signal, receivedAt: Date): ValidationIssue | undefined {
    if (signal.signal_time === null) return undefined;
    const ageSec = Math.max(0, (receivedAt.getTime() - Date.parse(signal.signal_time)) / 1000);
    (this.bySource.get(source) ?? this.ages.labels(source)).observe(ageSec);
    const { maxAgeSec } = this.policies.of(source);
    return maxAgeSec !== undefined && ageSec > maxAgeSec ? staleSignalIssue(ageSec, maxAgeSec) : undefined;
  }
}
