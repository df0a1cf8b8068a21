import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP relay in front of one server, as a network path is: `freeze()` makes it stop passing
 * bytes either way without closing anything (a partition, a black-holed node, a dead NAT entry),
 * and connections opened after that are accepted and never answered.
 */
export class TcpRelay {
  private readonly server = createServer((client) => this.accept(client));
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<Socket>();
  private frozen = false;
  port = 0;

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  start(): Promise<this> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as { port: number }).port;
        resolve(this);
      }),
    );
  }

  freeze(): void {
    this.frozen = true;
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Connections relayed and still open. */
  get open(): number {
    return this.pairs.size;
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.frozen) return void client.pause();
    const upstream = this.track(createConnection(this.targetPort, '127.0.0.1'));
    this.pairs.add(client);
    client.pipe(upstream);
    upstream.pipe(client);
    const closeBoth = () => {
      this.pairs.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', closeBoth);
    upstream.once('close', closeBoth);
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  }
}
