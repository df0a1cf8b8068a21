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
  /** How long a nonce is remembered. */
  nonceTtlSec: number;
}
