import type { NatsConnection } from 'nats';
import type { JetStreamAcks } from './jetstream-acks';
import type { ConnectionView } from './stream-readiness';

export type NatsState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/**
 * The connection in use and where it is in its life. The parts of NatsConnectionManager (the
 * reconnect loop, the fail-closed gate, the health report, the stream's readiness) each act on
 * one side of it; keeping it in one object means they can never disagree about which
 * connection is current.
 */
export class NatsConnectionState implements ConnectionView {
  phase: NatsState = 'connecting';
  /** The connection in use, connected or not; replaced only by the reconnect loop. */
  nc?: NatsConnection;
  /** Where the current connection's JetStream writes are matched to their acks. */
  acks?: JetStreamAcks;
  /** Set once at shutdown: nothing connects, replaces or provisions after it. */
  shuttingDown = false;

  /** `changed`: told of every phase change (the connected gauge follows it). */
  constructor(private readonly changed: () => void) {}

  current(): NatsConnection | undefined {
    return this.nc;
  }

  connected(): boolean {
    return this.phase === 'connected';
  }

  stopping(): boolean {
    return this.shuttingDown;
  }

  enter(phase: NatsState): void {
    this.phase = phase;
    this.changed();
  }
}
