import type { KV, NatsConnection } from 'nats';
import { NatsFailure } from './nats-failure';
import type { NatsFailureTracker } from './nats-failure.tracker';
import type { StreamProvisioner } from './stream.provisioner';

const PROVISION_RETRY_MS = 1000;
/** How often a ready gateway re-checks its stream and bucket, to notice one deleted while idle. */
const CHECK_INTERVAL_MS = 5000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** What the schedule needs to know of the connection in use (NatsConnectionState). */
export interface ConnectionView {
  /** The connection in use, connected or not. */
  current(): NatsConnection | undefined;
  /** Whether the connection in use is connected now (not reconnecting, not closed). */
  connected(): boolean;
  stopping(): boolean;
}

/** The provisioning loop running for one connection. */
interface Provisioning {
  nc: NatsConnection;
  run: Promise<void>;
  /** A trigger came while a look was under way: what that look finds may predate it. */
  again: boolean;
}

/**
 * Whether the stream, the nonce bucket and the schemas are in place on the current connection,
 * and the schedule that keeps finding out: provisioned at each (re)connect and when a write finds
 * them gone, retried every second until it works, and re-checked every 5 s while ready, because
 * a server that lost its store or an operator's `nats stream rm` leaves them missing without a
 * word. Kept apart from the connection's life cycle, which only says when to start.
 */
export class StreamReadiness {
  private streamReady = false;
  private bucket?: KV;
  private provisioning?: Provisioning;
  private checkTimer?: NodeJS.Timeout;

  constructor(
    private readonly provisioner: StreamProvisioner,
    private readonly failures: NatsFailureTracker,
    private readonly connection: ConnectionView,
    /** Called whenever readiness may have changed (the connected gauge follows it). */
    private readonly changed: () => void,
  ) {}

  /** The stream and nonce bucket are in place on the current connection. */
  get ready(): boolean {
    return this.streamReady;
  }

  /** The nonce bucket of the last successful provisioning. */
  get nonceBucket(): KV | undefined {
    return this.bucket;
  }

  /** Starts the periodic re-check. */
  start(): void {
    this.checkTimer = setInterval(() => void this.check(), CHECK_INTERVAL_MS).unref();
  }

  stop(): void {
    clearInterval(this.checkTimer);
  }

  /** The connection closed: nothing is known to be in place until provisioned again. */
  lost(): void {
    this.streamReady = false;
  }

  /**
   * One provisioning loop per connection at a time: a trigger while it runs joins it, and makes
   * it look once more rather than trust a look that started before the trigger (a stream seen
   * there just before it was deleted).
   */
  provision(nc: NatsConnection): Promise<void> {
    this.streamReady = false;
    this.changed();
    const running = this.provisioning;
    if (running?.nc === nc) {
      running.again = true;
      return running.run;
    }
    const provisioning: Provisioning = { nc, run: Promise.resolve(), again: false };
    this.provisioning = provisioning;
    provisioning.run = this.provisionUntilReady(provisioning);
    return provisioning.run;
  }

  /** `nc` is the connection in use and connected. */
  private isCurrent(nc: NatsConnection): boolean {
    return this.connection.connected() && nc === this.connection.current();
  }

  private async provisionUntilReady(provisioning: Provisioning): Promise<void> {
    const { nc } = provisioning;
    try {
      while (this.isCurrent(nc) && !nc.isClosed() && !this.connection.stopping()) {
        provisioning.again = false;
        try {
          this.bucket = await this.provisioner.provision(nc);
          if (!this.isCurrent(nc)) return;
          if (provisioning.again) continue;
          this.streamReady = true;
          this.changed();
          this.failures.recovered();
          return;
        } catch (err) {
          // A request cut off by a disconnect says nothing about the stream: the disconnect is reported.
          if (!this.isCurrent(nc)) return;
          this.failures.fail(err);
          await sleep(PROVISION_RETRY_MS);
        }
      }
    } finally {
      // Let go in the same step as the loop ends, not in a .finally() on its promise: that runs a
      // microtask later, and a trigger in between (a write failing in the same turn) would join a
      // loop that has ended, leaving the stream not ready with nothing left to provision it.
      if (this.provisioning === provisioning) this.provisioning = undefined;
    }
  }

  /**
   * While ready: the stream and bucket are still there and as they should be. A finding (missing,
   * mismatched) makes the gateway not ready until provisioned again; a slow answer is no finding.
   */
  private async check(): Promise<void> {
    const nc = this.connection.current();
    if (!this.connection.connected() || !this.streamReady || this.provisioning || !nc) return;
    try {
      this.bucket = await this.provisioner.provision(nc);
    } catch (err) {
      if (!(err instanceof NatsFailure) || nc !== this.connection.current()) return;
      this.failures.fail(err);
      void this.provision(nc);
    }
  }
}
