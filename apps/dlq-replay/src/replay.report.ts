import type { Recovery, UnrecoverableReason } from '@gateway/dead-letters';

export interface ReplaySummary {
  dry_run: boolean;
  /** DLQ entries this run looked at. */
  entries: number;
  /** Normalized events published by this run (or that would be, in a dry run). */
  recovered: number;
  /** Recovered, but the stream already held the event (an earlier run, or the sender's retry). */
  already_stored: number;
  /** Entries left in the DLQ, offered to the next run. */
  unrecoverable: number;
  by_reason: Partial<Record<UnrecoverableReason, number>>;
}

/** Counts what a run did; every entry also gets its own log line as it is handled. */
export class ReplayReport {
  private readonly summary: ReplaySummary;

  constructor(dryRun: boolean) {
    this.summary = {
      dry_run: dryRun,
      entries: 0,
      recovered: 0,
      already_stored: 0,
      unrecoverable: 0,
      by_reason: {},
    };
  }

  add(recovery: Recovery, alreadyStored = false): void {
    this.summary.entries++;
    if (recovery.ok) {
      if (alreadyStored) this.summary.already_stored++;
      else this.summary.recovered++;
      return;
    }
    this.summary.unrecoverable++;
    this.summary.by_reason[recovery.reason] = (this.summary.by_reason[recovery.reason] ?? 0) + 1;
  }

  get result(): ReplaySummary {
    return { ...this.summary, by_reason: { ...this.summary.by_reason } };
  }
}
