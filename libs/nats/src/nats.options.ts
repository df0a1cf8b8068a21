import type { EventSchemaEntry } from '@gateway/contracts';
import type { NatsAuthOptions } from './nats-auth';

export interface NatsModuleOptions {
  /** One or more server URLs (a cluster). */
  servers: string[];
  /** Client name shown by the server, e.g. the service name. */
  name: string;
  /** Identity and TLS (NATS_USER, NATS_CREDS_FILE, NATS_TLS_*...), checked by `natsAuthOf`. */
  auth: NatsAuthOptions;
  /** JetStream stream that holds `signals.>`. */
  stream: string;
  /** true: create the stream and nonce bucket and bring their settings in line; false: only check them. */
  provision: boolean;
  /** Replicas of the stream and of the nonce bucket (3 on a three-node cluster). */
  replicas: number;
  /** The stream's duplicate window: how long a `Nats-Msg-Id` is remembered. */
  duplicateWindowSec: number;
  /** The stream's age limit (NATS_STREAM_MAX_AGE); 0: none. */
  maxAgeSec: number;
  /** The stream's size limit (NATS_STREAM_MAX_BYTES); 0: none. */
  maxBytes: number;
  /** How long a publish may wait for its acknowledgement before the request fails closed. */
  publishTimeoutMs: number;
  /** Most messages handed to the client and not yet acknowledged; more are refused at once. */
  bufferMaxMessages: number;
  /** Of `bufferMaxMessages`, the places only critical sources' writes may take (0: none kept). */
  bufferCriticalReserve?: number;
  /** Longest a disconnected client may hold unsent messages; then they are dropped, never flushed late. */
  bufferMaxAgeMs: number;
  /** How long a nonce is remembered. */
  nonceTtlSec: number;
  /** The schema registry (SCHEMA_REGISTRY_BUCKET) and the event schemas this gateway publishes. */
  schemaRegistry: { bucket: string; schemas: readonly EventSchemaEntry[] };
}
