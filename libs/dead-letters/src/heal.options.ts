import type { EventSchemaVersion } from '@gateway/contracts';
import type { ConnectionOptions } from 'nats';

/** How the gateway heals dead letters by itself (DLQ_HEAL_*; docs/operations.md "Dead letters heal"). */
export interface DlqHealOptions {
  enabled: boolean;
  /** NATS connection of the healer: the gateway's servers, identity and TLS, a name of its own. */
  connection: ConnectionOptions;
  stream: string;
  /** The durable consumer on signals.dlq shared by every replica's healer. */
  durable: string;
  /** Between passes; the first runs at start. */
  intervalMs: number;
  /** Builds (normalizer fingerprints) that may try one entry before it is left to a person. */
  maxAttempts: number;
  publishTimeoutMs: number;
  /** The build's git revision: part of the normalizer fingerprint. */
  revision: string;
  eventSchemaVersion: EventSchemaVersion;
}

export const DLQ_HEAL_OPTIONS = Symbol('DLQ_HEAL_OPTIONS');
