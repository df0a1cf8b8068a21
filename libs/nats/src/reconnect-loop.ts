import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { NatsFailure, serversForLog } from './nats-failure';
import type { NatsFailureTracker } from './nats-failure.tracker';
import type { NatsConnectionState } from './nats-connection.state';
import { avoiding } from './silent-server.probe';

const BACKOFF_MAX_MS = 5000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
/** 250 ms doubling to 5 s, with jitter so that replicas refused together do not retry together. */
const backoff = (attempt: number) =>
  Math.min(250 * 2 ** attempt, BACKOFF_MAX_MS) * (0.8 + Math.random() * 0.4);

/** What is done with each connection the loop opens, and when it is gone. */
export interface ConnectionLifecycle {
  /** `nc` is connected and becomes the connection in use. */
  attach(nc: NatsConnection): void;
  /** The connection in use closed (not at shutdown): nothing written on it can be confirmed now. */
  closed(): void;
}

/**
 * Connects, serves until the connection closes, connects again: until shutdown, never giving
 * up. nats.js reconnects a connection by itself; this loop is for the ones it closes for good (a
 * login refused twice) and for those closed on purpose to be replaced (`replace`). A connection
 * that cannot be opened is reported and retried with backoff, never a crash loop.
 */
export class ReconnectLoop {
  /** Set when the connection is closed on purpose: the next one is opened at once, no failure counted. */
  private replacing = false;
  /** The server that stopped answering (SilentServerProbe): the next connection tries it last. */
  private silentServer?: string;

  constructor(
    private readonly connectOptions: ConnectionOptions,
    private readonly servers: string[],
    private readonly connection: NatsConnectionState,
    private readonly failures: NatsFailureTracker,
    private readonly lifecycle: ConnectionLifecycle,
  ) {}

  async run(): Promise<void> {
    for (let attempt = 0; !this.connection.shuttingDown;) {
      let nc: NatsConnection;
      try {
        nc = await connect(avoiding(this.connectOptions, this.silentServer));
      } catch (err) {
        this.failures.fail(err, serversForLog(this.servers));
        await sleep(backoff(attempt++));
        continue;
      }
      attempt = 0;
      this.silentServer = undefined;
      if (this.connection.shuttingDown) return void (await nc.close());
      this.lifecycle.attach(nc);
      const err = await nc.closed();
      if (this.connection.shuttingDown) return;
      this.lifecycle.closed();
      if (this.replacing) {
        this.replacing = false;
        continue;
      }
      this.failures.fail(err ?? new NatsFailure('unreachable', 'the NATS connection closed'));
      await sleep(backoff(attempt++));
    }
  }

  /**
   * Closes `nc` on purpose: run() connects afresh at once, without counting it a failure, and to
   * another server first when `silentServer` stopped answering. A connection no longer in use is
   * left alone (its replacement was asked for already).
   */
  async replace(nc: NatsConnection, silentServer?: string): Promise<void> {
    if (nc !== this.connection.nc || this.connection.shuttingDown) return;
    this.replacing = true;
    this.silentServer = silentServer;
    await nc.close().catch(() => undefined);
  }
}
