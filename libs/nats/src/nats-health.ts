import type { Gauge } from 'prom-client';
import type { NatsConnectionState, NatsState } from './nats-connection.state';
import type { FailureReport, NatsFailureTracker } from './nats-failure.tracker';
import type { StreamReadiness } from './stream-readiness';

/** What `/healthz` shows of NATS. */
export interface NatsStatus {
  state: NatsState;
  streamReady: boolean;
  /** The server's name (`server_name`) and the address the client is on, while connected. */
  server: { name: string; address: string } | null;
  failing: FailureReport | null;
  last_failure: FailureReport | null;
}

/**
 * What the connection and the stream's readiness add up to, as readiness (`/readyz`), `/healthz`
 * and the `gateway_nats_connected` gauge see it: ready only when both are, so the three never
 * disagree.
 */
export class NatsHealth {
  constructor(
    private readonly connection: NatsConnectionState,
    private readonly readiness: StreamReadiness,
    private readonly failures: NatsFailureTracker,
    private readonly connectedGauge: Gauge,
  ) {}

  /** Connected and the stream and nonce bucket are in place. */
  get ready(): boolean {
    return this.connection.connected() && this.readiness.ready;
  }

  get status(): NatsStatus {
    const nc = this.connection.connected() ? this.connection.nc : undefined;
    return {
      state: this.connection.phase,
      streamReady: this.readiness.ready,
      server: nc ? { name: nc.info?.server_name ?? '', address: nc.getServer() } : null,
      ...this.failures.report,
    };
  }

  /** Run whenever the connection's phase or the stream's readiness may have changed. */
  updateGauge(): void {
    this.connectedGauge.set(this.ready ? 1 : 0);
  }
}
