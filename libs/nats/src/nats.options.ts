export interface NatsModuleOptions {
  /** One or more server URLs (a cluster). */
  servers: string[];
  /** Client name shown by the server, e.g. the service name. */
  name: string;
  /** JetStream stream that holds `signals.>`. */
  stream: string;
  /** Replicas of the stream and of the nonce bucket (3 on a three-node cluster). */
  replicas: number;
  /** The stream's duplicate window: how long a `Nats-Msg-Id` is remembered. */
  duplicateWindowSec: number;
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
}
