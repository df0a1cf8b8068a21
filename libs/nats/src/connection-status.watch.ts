import { DebugEvents, Events, type NatsConnection } from 'nats';

/** What the connection manager does with the events nats.js reports of one connection. */
export interface ConnectionStatusHandlers {
  /** The server is gone; nats.js is reconnecting. */
  disconnected(): void;
  reconnected(): void;
  /** The server's -ERR, as an Error whose `code` names it (for NatsFailureTracker). */
  serverError(err: Error): void;
}

/**
 * Follows `nc`'s status events until it closes. nats.js reports a disconnect, a reconnect or a
 * server's refusal only on this stream, never as a failed call, so it is the one place the
 * gateway learns of them.
 */
export async function watchConnectionStatus(nc: NatsConnection, on: ConnectionStatusHandlers): Promise<void> {
  for await (const s of nc.status()) {
    if (s.type === Events.Disconnect || s.type === DebugEvents.Reconnecting) {
      on.disconnected();
    } else if (s.type === Events.Reconnect) {
      on.reconnected();
    } else if (s.type === Events.Error) {
      // The server's -ERR: a refused login, an expired JWT, or a subject this user may not use.
      const denied = s.permissionContext;
      const code = typeof s.data === 'string' ? s.data : 'NATS_PROTOCOL_ERR';
      const message = denied ? `not permitted to ${denied.operation} ${denied.subject}` : code;
      on.serverError(Object.assign(new Error(message), { code }));
    }
  }
}
