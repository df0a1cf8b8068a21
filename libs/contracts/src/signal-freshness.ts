import type { ValidationIssue } from './events';

/** The start of a stale signal's issue: how the DLQ replay knows it must stay dead. */
const STALE = 'signal_stale:';

/** The dead letter's issue of a signal older at receipt than its source's `max_age`. */
export function staleSignalIssue(ageSec: number, maxAgeSec: number): ValidationIssue {
  return {
    field: 'signal_time',
    message: `${STALE} ${Math.floor(ageSec)} s old at receipt; this source takes signals up to ${maxAgeSec} s old`,
  };
}

/** A signal refused for its age: time does not heal it, so no replay ever publishes it. */
export const isStaleSignalIssue = (issue: ValidationIssue): boolean =>
  issue.field === 'signal_time' && issue.message.startsWith(STALE);
