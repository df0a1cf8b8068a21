import type { ConnectionOptions } from 'nats';
import { natsConnectionOptions } from './nats-auth';
import type { NatsModuleOptions } from './nats.options';

/** How long one attempt to reach a server may take before it counts as failed. */
const CONNECT_TIMEOUT_MS = 2000;

/** The options of every connection the gateway opens: who it is (nats-auth) and how it waits. */
export function gatewayConnectOptions(options: NatsModuleOptions): ConnectionOptions {
  return {
    ...natsConnectionOptions(options.servers, options.name, options.auth),
    // Reconnects never stop (nats.js stops after 10 by default); a connection closed anyway
    // (e.g. credentials refused twice) is replaced by a new one in ReconnectLoop.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    timeout: CONNECT_TIMEOUT_MS,
    // A peer that vanishes without closing the socket is noticed within ~10 s, not 4 minutes;
    // sooner when a write goes unacknowledged meanwhile (SilentServerProbe).
    pingInterval: 5000,
    maxPingOut: 2,
    // nats.js builds an Error per request just to keep a stack trace for a timeout; at three
    // requests per webhook that was among the hottest costs of the gateway (docs/performance.md).
    noAsyncTraces: true,
  };
}
