import { freePort, TestNatsServer } from './nats-server';

/**
 * A JetStream cluster of `size` private nats-servers on free ports, routed to each other directly.
 * The servers do not advertise their addresses to clients (`no_advertise`), so a client reaches
 * exactly the URLs it is given (e.g. relays in front of them).
 */
export class TestNatsCluster {
  servers: TestNatsServer[] = [];

  constructor(private readonly size = 3) {}

  /** Every server's own client URL, comma-separated. */
  get url(): string {
    return this.servers.map((s) => s.url).join(',');
  }

  async start(): Promise<this> {
    const routePorts = await Promise.all(Array.from({ length: this.size }, () => freePort()));
    const routes = routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(', ');
    this.servers = routePorts.map(
      (port, i) =>
        new TestNatsServer(
          `server_name: n${i + 1}\ncluster { name: e2e, listen: "127.0.0.1:${port}", no_advertise: true, routes: [${routes}] }`,
        ),
    );
    await Promise.all(this.servers.map((s) => s.start()));
    return this;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.dispose()));
  }
}
