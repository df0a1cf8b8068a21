import { Logger } from '@nestjs/common';
import { Events, type NatsConnection } from 'nats';
import { NatsFailure } from './nats-failure';
import type { NatsFailureTracker } from './nats-failure.tracker';

/** How long a PING may go unanswered before the server is taken for gone. */
export const PROBE_MS = 1000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * A server that stops answering without closing the connection (a partition, a black-holed
 * node, a dead NAT entry) shows first as writes whose acknowledgement never comes; the client's
 * own ping (5 s, two missed) would notice only after about ten seconds, all of them 503s. So an
 * acknowledgement timeout is taken as a hint: one PING goes out, and when its PONG does not come
 * within PROBE_MS the client is made to reconnect, which moves it to the next server of NATS_URL.
 * A server that answers the PING is alive (JetStream is slow, a stream leader is being elected):
 * it is left alone, since another server would serve that stream no sooner.
 */
export class SilentServerProbe {
  private readonly logger = new Logger('Nats');
  private probing = false;
  private disconnects = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly failures: NatsFailureTracker,
    /** Closes the connection outright, for the manager to open a new one. */
    private readonly replace: () => Promise<void>,
  ) {
    void this.countDisconnects();
  }

  /** A write on this connection went unacknowledged: is the server still there? One probe at a time. */
  readonly ackTimedOut = (): void => {
    if (this.probing || this.nc.isClosed()) return;
    this.probing = true;
    void this.probe().finally(() => (this.probing = false));
  };

  private async probe(): Promise<void> {
    if (await this.answers()) return;
    const server = this.nc.getServer();
    this.failures.fail(
      new NatsFailure('unreachable', `${server} stopped answering (no PONG within ${PROBE_MS} ms)`),
    );
    this.logger.warn(`${server} stopped answering: moving to another server`);
    const before = this.disconnects;
    await this.nc.reconnect().catch(() => undefined);
    // nats.js flushes its socket before letting go of it, and against a peer that reads nothing
    // that flush never ends: then the connection is closed outright and replaced.
    await sleep(PROBE_MS);
    if (this.disconnects === before && !this.nc.isClosed()) await this.replace();
  }

  /** One PING: true when its PONG comes within PROBE_MS (or the connection dropped meanwhile). */
  private async answers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_MS)));
    // A flush rejected because the connection dropped: the client is reconnecting already.
    const pong = this.nc.flush().then(
      () => true,
      () => true,
    );
    return Promise.race([pong, silence]).finally(() => clearTimeout(timer));
  }

  private async countDisconnects(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === Events.Disconnect) this.disconnects++;
    }
  }
}
