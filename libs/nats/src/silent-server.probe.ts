import { Logger } from '@nestjs/common';
import type { ConnectionOptions, NatsConnection } from 'nats';
import { NatsFailure } from './nats-failure';
import type { NatsFailureTracker } from './nats-failure.tracker';

/** How long a PING may go unanswered before the server is taken for gone. */
export const PROBE_MS = 1000;

/**
 * A server that stops answering without closing the connection (a partition, a black-holed
 * node, a dead NAT entry) shows first as writes whose acknowledgement never comes; the client's
 * own ping (5 s, two missed) would notice only after about ten seconds, all of them 503s. So an
 * acknowledgement timeout is taken as a hint: one PING goes out, and when its PONG does not come
 * within PROBE_MS the connection is replaced by one to another server of NATS_URL (`replace`,
 * with the silent server's address). A server that answers the PING is alive (JetStream is slow,
 * a stream leader is being elected): it is left alone, since another server would serve that
 * stream no sooner.
 *
 * Why not nats.js's `reconnect()`: its server pool tries the current server first after the
 * first connection (a silent one costs the whole connect timeout), and it flushes the old socket
 * before letting go of it, which never ends when the peer reads nothing.
 */
export class SilentServerProbe {
  private readonly logger = new Logger('Nats');
  private probing = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly failures: NatsFailureTracker,
    private readonly replace: (silentServer: string) => Promise<void>,
  ) {}

  /** A write on this connection went unacknowledged: is the server still there? One probe at a time. */
  readonly ackTimedOut = (): void => {
    if (this.probing || this.nc.isClosed()) return;
    this.probing = true;
    void this.probe().finally(() => (this.probing = false));
  };

  private async probe(): Promise<void> {
    if ((await this.answers()) || this.nc.isClosed()) return;
    const server = this.nc.getServer();
    this.failures.fail(
      new NatsFailure('unreachable', `${server} stopped answering (no PONG within ${PROBE_MS} ms)`),
    );
    this.logger.warn(`${server} stopped answering: connecting to another server`);
    await this.replace(server);
  }

  /** One PING: true when its PONG comes within PROBE_MS (or the connection dropped meanwhile). */
  private async answers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    // Silence is concluded only after the event loop has read the sockets once more (an immediate
    // runs after that poll): when the process stalls (a long GC pause, a saturated machine), the
    // timer fires first on waking while a PONG that came in time still waits unread, and a
    // healthy connection would be replaced, every write on it failed.
    const silence = new Promise<false>(
      (resolve) => (timer = setTimeout(() => setImmediate(() => resolve(false)), PROBE_MS)),
    );
    // A flush rejected because the connection dropped: the client is reconnecting already.
    const pong = this.nc.flush().then(
      () => true,
      () => true,
    );
    return Promise.race([pong, silence]).finally(() => clearTimeout(timer));
  }
}

/**
 * The connection options for the next connection after `silentServer` (`host:port`, as nats.js
 * names the server it is on) stopped answering: every other server first, in random order, that
 * one last. Unchanged without a silent server, or with a single server.
 */
export function avoiding(options: ConnectionOptions, silentServer: string | undefined): ConnectionOptions {
  const servers = [options.servers ?? []].flat();
  if (silentServer === undefined || servers.length < 2) return options;
  const silent = servers.filter((s) => hostPort(s) === silentServer);
  const others = servers.filter((s) => hostPort(s) !== silentServer).sort(() => Math.random() - 0.5);
  return { ...options, servers: [...others, ...silent], noRandomize: true };
}

/** `nats://host:port` (or `host`, `tls://host`) as `host:port`, the default port 4222. */
function hostPort(server: string): string {
  const address = server.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  return /:\d+$/.test(address) ? address : `${address}:4222`;
}
