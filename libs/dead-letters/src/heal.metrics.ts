import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { UnrecoverableReason } from './dead-letter.recovery';

export const DLQ_HEAL_TOTAL = 'gateway_dlq_heal_total';
export const DLQ_HEAL_GIVEN_UP_TOTAL = 'gateway_dlq_heal_given_up_total';
export const DLQ_HEAL_PASSES_TOTAL = 'gateway_dlq_heal_passes_total';

/** The outcomes of one try: the same as the manual replay's report (recovered, already_stored, unrecoverable). */
export const HEAL_OUTCOMES = ['recovered', 'already_stored', 'unrecoverable'] as const;
export const HEAL_PASS_OUTCOMES = ['completed', 'failed'] as const;
/** Why an entry is left to a person: every reason the recovery reports (series primed at 0). */
export const GIVEN_UP_REASONS: readonly UnrecoverableReason[] = [
  'invalid_entry',
  'raw_event_missing',
  'invalid_raw_event',
  'unknown_source',
  'still_invalid',
  'invalid_result',
];

export const healMetricProviders = [
  makeCounterProvider({
    name: DLQ_HEAL_TOTAL,
    help: 'Dead letters the healer tried with a new build, by outcome (recovered, already_stored, unrecoverable).',
    labelNames: ['outcome'],
  }),
  makeCounterProvider({
    name: DLQ_HEAL_GIVEN_UP_TOTAL,
    help: 'Dead letters the healer stopped retrying (attempts spent, or a reason no build can mend), by reason; they stay in signals.dlq for the manual replay.',
    labelNames: ['reason'],
  }),
  makeCounterProvider({
    name: DLQ_HEAL_PASSES_TOTAL,
    help: 'Healer passes over signals.dlq, by outcome (completed, failed: NATS unreachable or refused).',
    labelNames: ['outcome'],
  }),
];
