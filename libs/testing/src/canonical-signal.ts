import {
  normalizedEventOf,
  type NormalizationResult,
  type Signal,
  type ValidationIssue,
} from '@gateway/contracts';
import { EventValidator } from '@gateway/json-schema';

const SIGNAL_FIELDS = [
  'instrument',
  'exchange',
  'action',
  'price',
  'quantity',
  'timeframe',
  'strategy',
  'signal_time',
  'extra',
] as const;
const TEXT_FIELDS = ['instrument', 'exchange', 'timeframe', 'strategy'] as const;
const PLACEHOLDER = /\{\{.*\}\}/;
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];
// An envelope of valid values, so only the signal's own fields can fail the event schema.
const ENVELOPE = {
  event_id: '00000000-0000-4000-8000-000000000000',
  corr_id: 'canonical-check',
  source: 'canonical-check',
  received_at: '2026-01-01T00:00:00.000Z',
};

let validator: EventValidator | undefined;

/**
 * Every way a normalizer's output breaks the canonical event (docs/contract.md, "The canonical
 * event"): the `signals.normalized.v1` schema, strictly (nothing it does not declare), and the
 * rules the schema cannot say: every field present (null, never absent), text trimmed and no
 * unexpanded placeholder, numbers finite, no prototype key or secret field in `extra`. Empty
 * when it keeps them all; a source's normalizer spec asserts that for each payload it accepts.
 */
export function canonicalSignalIssues(
  output: Signal | NormalizationResult,
  { secretFields = [] }: { secretFields?: readonly string[] } = {},
): ValidationIssue[] {
  if ('ok' in output && !output.ok) return [{ field: 'result', message: 'is not ok: nothing to check' }];
  const signal: Signal = 'ok' in output ? (output as { signal: Signal }).signal : output;
  const issues: ValidationIssue[] = [];
  const fail = (field: string, message: string) => issues.push({ field, message });
  for (const field of SIGNAL_FIELDS) {
    if (!Object.hasOwn(signal, field) || signal[field] === undefined) fail(field, 'is absent: use null');
  }
  for (const field of Object.keys(signal)) {
    if (!(SIGNAL_FIELDS as readonly string[]).includes(field))
      fail(field, 'is no canonical field: put it in extra');
  }
  for (const field of TEXT_FIELDS) {
    const value = signal[field];
    if (typeof value !== 'string') continue;
    if (value !== value.trim() || value === '') fail(field, 'must be trimmed and not empty (or null)');
    if (PLACEHOLDER.test(value)) fail(field, 'is an unexpanded placeholder');
  }
  for (const field of ['price', 'quantity'] as const) {
    const value = signal[field];
    if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
      fail(field, 'must be a finite number or null (numbers sent as text are converted)');
    }
  }
  const extra = signal.extra ?? {};
  for (const key of Object.keys(extra)) {
    if (PROTOTYPE_KEYS.includes(key)) fail(`extra.${key}`, 'is a prototype key');
    if (secretFields.includes(key)) fail(`extra.${key}`, 'is a secret field');
  }
  validator ??= new EventValidator('v1');
  const check = validator.check('signals.normalized', normalizedEventOf(ENVELOPE, signal), { exact: true });
  if (!check.ok) {
    issues.push(...check.errors.map((e) => ({ ...e, field: e.field.replace(/^event\.?/, '') || 'signal' })));
  }
  return issues;
}
