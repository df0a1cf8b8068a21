import { Logger } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { watchConnectionStatus } from './connection-status.watch';
import { JetStreamAcks } from './jetstream-acks';
import type { NatsConnectionState } from './nats-connection.state';
import { NatsFailure } from './nats-failure';
import type { NatsFailureTracker } from './nats-failure.tracker';
import type { ConnectionLifecycle } from './reconnect-loop';
import { SilentServerProbe } from './silent-server.probe';
import type { StaleBufferGuard } from './stale-buffer.guard';
import type { StreamReadiness } from './stream-readiness';

/** Closes a connection on purpose so that a fresh one replaces it (ReconnectLoop.replace). */
export type ReplaceConnection = (nc: NatsConnection, silentServer?: string) => Promise<void>;

/**
 * What the gateway does when a connection opens, drops, comes back or closes. Every write in
 * flight on a connection that dropped is failed at once (its webhook gets its 503 now, not at
 * its timeout), and every connection that comes (back) has its stream provisioned before it is
 * ready, since the server behind it may have lost its store meanwhile.
 */
export class ConnectionEvents implements ConnectionLifecycle {
  private readonly logger = new Logger('Nats');

  constructor(
    private readonly connection: NatsConnectionState,
    private readonly readiness: StreamReadiness,
    private readonly failures: NatsFailureTracker,
    private readonly staleBuffer: StaleBufferGuard,
    private readonly replace: ReplaceConnection,
    private readonly publishTimeoutMs: number,
  ) {}

  /** A new connection is the one in use: its own acks and silent-server probe, then the stream. */
  attach(nc: NatsConnection): void {
    this.connection.nc = nc;
    const probe = new SilentServerProbe(nc, this.failures, (silent) => this.replace(nc, silent));
    this.connection.acks = new JetStreamAcks(nc, this.publishTimeoutMs, probe.ackTimedOut);
    this.connection.enter('connected');
    this.failures.connected();
    this.logger.log(`connected to ${nc.info?.server_name ?? ''} at ${nc.getServer()}`);
    void watchConnectionStatus(nc, {
      disconnected: () => this.disconnected(nc),
      reconnected: () => this.reconnected(nc),
      serverError: (err) => this.failures.fail(err),
    });
    void this.readiness.provision(nc);
  }

  closed(): void {
    this.readiness.lost();
    this.connection.enter('reconnecting');
    this.connection.acks?.failAll('NATS connection closed');
  }

  private disconnected(nc: NatsConnection): void {
    this.connection.enter('reconnecting');
    this.failures.fail(new NatsFailure('unreachable', `disconnected from ${nc.getServer()}`));
    this.connection.acks?.failAll(`NATS disconnected`);
    this.staleBuffer.disconnected(nc);
  }

  private reconnected(nc: NatsConnection): void {
    this.staleBuffer.reconnected();
    this.logger.log(`reconnected to ${nc.info?.server_name ?? ''} at ${nc.getServer()}`);
    this.connection.enter('connected');
    void this.readiness.provision(nc);
  }
}
