import type { StreamConfig } from 'nats';
import type { SettingDrift } from './stream-settings';

/** The values the gateway last applied to a stream or bucket, by field: what it compares its own with. */
export type AppliedValues = Readonly<Record<string, string>>;

/**
 * Where the record lives: the stream's description, which every nats-server the gateway supports
 * keeps (stream metadata needs 2.10) and which `nats stream info` shows an operator.
 */
const MARK = 'at-gateway last applied ';

/** The record in `config`'s description; undefined when none (a stream made by someone else, or by an older gateway). */
export function appliedValues(config: Pick<StreamConfig, 'description'>): AppliedValues | undefined {
  const description = config.description ?? '';
  const at = description.indexOf(MARK);
  if (at === -1) return undefined;
  try {
    const record: unknown = JSON.parse(description.slice(at + MARK.length));
    return typeof record === 'object' && record !== null ? (record as AppliedValues) : undefined;
  } catch {
    return undefined;
  }
}

/** The description that records `values` as applied. */
export const recordOf = (values: AppliedValues): string => `${MARK}${JSON.stringify(values)}`;

/** What one look at an existing stream decided. */
export interface OwnershipDecision {
  /** Drifts to correct now. */
  apply: SettingDrift[];
  /** Drifts left as they are: someone else's choice (an operator, or another replica's settings). */
  kept: SettingDrift[];
}

/**
 * Who owns a setting of an existing stream (contract 7.1). What keeps the contract (a subject
 * not stored, a duplicate window too short for this replica) is corrected whenever it is found:
 * those corrections only ever add, so replicas with different settings cannot undo each other.
 * A limit or a replica count is applied only when the gateway's own configured value changed
 * since a gateway last applied one, i.e. differs from the record in the stream; and each
 * process has that say once per stream, at its first look. So an operator's edit survives
 * (the record did not change), a new configuration rolled out is applied by its first replica,
 * and replicas still running another configuration never put theirs back.
 */
export class StreamOwnership {
  /** The streams this process has had its say on: created them, or looked at them once. */
  private readonly settled = new Set<string>();

  decide(config: StreamConfig, drifts: SettingDrift[], wanted: AppliedValues): OwnershipDecision {
    const first = !this.settled.has(config.name);
    this.settled.add(config.name);
    const applied = appliedValues(config);
    const changedHere = (d: SettingDrift) => first && applied?.[d.field] !== wanted[d.field];
    return {
      apply: drifts.filter((d) => d.essential || changedHere(d)),
      kept: drifts.filter((d) => !d.essential && !changedHere(d)),
    };
  }

  /** A stream this process created carries its values already. */
  created(name: string): void {
    this.settled.add(name);
  }
}
