import { STREAM_SUBJECTS, Subjects } from '@gateway/contracts';
import { DiscardPolicy, nanos, type StreamConfig } from 'nats';
import { recordOf } from './stream-ownership';

/** One setting of an existing stream that differs from what the gateway wants. */
export interface SettingDrift {
  /** The stream-config field, as NATS names it. */
  field: 'subjects' | 'duplicate_window' | 'num_replicas' | 'max_age' | 'max_bytes' | 'discard';
  have: string;
  want: string;
  /**
   * Essential drifts break the contract (a subject not stored, duplicates stored twice): the
   * gateway is not ready while they last. The others are an owner's choice to be told about.
   */
  essential: boolean;
  /** The config with this drift corrected. */
  fix: (config: StreamConfig) => StreamConfig;
}

/** What the gateway wants of its event stream (NATS_STREAM_*, IDEMPOTENCY_TTL_SEC). */
export interface WantedStream {
  replicas: number;
  duplicateWindowSec: number;
  /** 0: no age limit. */
  maxAgeSec: number;
  /** 0: no size limit. */
  maxBytes: number;
}

const seconds = (ns: number): string => `${Math.round(ns / 1e9)}s`;
const bytes = (n: number): string => (n <= 0 ? 'unlimited' : `${n} bytes`);
const age = (ns: number): string => (ns <= 0 ? 'unlimited' : seconds(ns));

/** The settings of the stream the gateway owns (everything but the subjects, which it only adds to). */
export type OwnedField = Exclude<SettingDrift['field'], 'subjects'>;

/** The gateway's own value of each setting it owns, written as the drifts write them. */
export function ownedValues(want: WantedStream): Record<OwnedField, string> {
  return {
    duplicate_window: seconds(nanos(want.duplicateWindowSec * 1000)),
    num_replicas: String(want.replicas),
    max_age: age(nanos(want.maxAgeSec * 1000)),
    max_bytes: bytes(want.maxBytes > 0 ? want.maxBytes : -1),
    discard: DiscardPolicy.New,
  };
}

/** Every way `config` differs from `want`, each with its fix. */
export function streamDrifts(config: StreamConfig, want: WantedStream): SettingDrift[] {
  const drifts: SettingDrift[] = [];
  const values = ownedValues(want);
  const missing = Object.values(Subjects).filter((s) => !config.subjects.some((p) => covers(p, s)));
  if (missing.length > 0) {
    drifts.push({
      field: 'subjects',
      have: config.subjects.join(', '),
      want: `${config.subjects.join(', ')} + ${missing.join(', ')}`,
      essential: true,
      fix: (c) => ({ ...c, subjects: [...c.subjects, ...missing] }),
    });
  }
  const window = nanos(want.duplicateWindowSec * 1000);
  if (config.duplicate_window !== window) {
    drifts.push({
      field: 'duplicate_window',
      have: seconds(config.duplicate_window),
      want: values.duplicate_window,
      // Longer only costs memory; shorter stores a late retry twice.
      essential: config.duplicate_window < window,
      fix: (c) => ({ ...c, duplicate_window: window }),
    });
  }
  if (config.num_replicas !== want.replicas) {
    drifts.push({
      field: 'num_replicas',
      have: String(config.num_replicas),
      want: values.num_replicas,
      essential: false,
      fix: (c) => ({ ...c, num_replicas: want.replicas }),
    });
  }
  const maxAge = nanos(want.maxAgeSec * 1000);
  if (config.max_age !== maxAge) {
    drifts.push({
      field: 'max_age',
      have: age(config.max_age),
      want: values.max_age,
      essential: false,
      fix: (c) => ({ ...c, max_age: maxAge }),
    });
  }
  const maxBytes = want.maxBytes > 0 ? want.maxBytes : -1;
  if (config.max_bytes !== maxBytes) {
    drifts.push({
      field: 'max_bytes',
      have: bytes(config.max_bytes),
      want: values.max_bytes,
      essential: false,
      fix: (c) => ({ ...c, max_bytes: maxBytes }),
    });
  }
  if (config.discard !== DiscardPolicy.New) {
    drifts.push({
      field: 'discard',
      have: config.discard,
      want: values.discard,
      essential: false,
      fix: (c) => ({ ...c, discard: DiscardPolicy.New }),
    });
  }
  return drifts;
}

/** The stream config the gateway creates, with the record of what it applied. */
export function newStreamConfig(name: string, want: WantedStream): Partial<StreamConfig> {
  return {
    name,
    description: recordOf(ownedValues(want)),
    subjects: STREAM_SUBJECTS,
    num_replicas: want.replicas,
    duplicate_window: nanos(want.duplicateWindowSec * 1000),
    max_age: nanos(want.maxAgeSec * 1000),
    max_bytes: want.maxBytes > 0 ? want.maxBytes : -1,
    // Full means refuse the new signal (503, the sender retries), never drop an unconsumed old one.
    discard: DiscardPolicy.New,
  };
}

/** `field have -> want` for each drift, for one log line. */
export const describeDrifts = (drifts: readonly SettingDrift[]): string =>
  drifts.map((d) => `${d.field} ${d.have} -> ${d.want}`).join('; ');

/** Whether a NATS subject pattern (with `*` and `>` wildcards) matches a concrete subject. */
export function covers(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
