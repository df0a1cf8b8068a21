import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './nats-server';

const CRLF = Buffer.from('\r\n');

/** One client-to-server protocol message: its bytes, and the subject of a PUB or HPUB. */
interface Frame {
  bytes: Buffer;
  subject?: string;
}

/**
 * A TCP proxy between the gateway and its nats-server that reads the client's protocol messages
 * and can hold back the publishes to chosen subjects, so a test decides exactly which JetStream
 * write waits, and for how long, and knows it happened (`held`). Everything else, the server's
 * side included, passes through untouched. Plain TCP only (no TLS).
 */
export class NatsProxy {
  private server?: Server;
  private holding?: (subject: string) => boolean;
  /** Publishes held back, in the order they came, until `release()` or `drop()`. */
  readonly held: { subject: string; send: () => void }[] = [];
  /** Every subject published through the proxy, held or not. */
  readonly published: string[] = [];
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = createServer((client) => this.connect(client));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  /** From now on, publishes to a subject `matches` accepts are held back (undefined: none). */
  hold(matches: ((subject: string) => boolean) | undefined): void {
    this.holding = matches;
  }

  /** Sends the held publishes on to the server. */
  release(): void {
    for (const frame of this.held.splice(0)) frame.send();
  }

  /** Forgets the held publishes: the server never sees them. */
  drop(): void {
    this.held.splice(0);
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private connect(client: Socket): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    upstream.pipe(client);
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      let frame: Frame | undefined;
      while ((frame = nextFrame(pending))) {
        pending = pending.subarray(frame.bytes.length);
        const { bytes, subject } = frame;
        const send = () => upstream.write(bytes);
        if (subject === undefined) {
          send();
          continue;
        }
        this.published.push(subject);
        if (this.holding?.(subject)) this.held.push({ subject, send });
        else send();
      }
    });
  }
}

/** The first whole protocol message in `buffer`, or undefined while it is incomplete. */
function nextFrame(buffer: Buffer): Frame | undefined {
  const end = buffer.indexOf(CRLF);
  if (end === -1) return undefined;
  const line = buffer.subarray(0, end).toString('latin1');
  const [op, ...args] = line.split(' ').filter(Boolean);
  const verb = op?.toUpperCase();
  if (verb !== 'PUB' && verb !== 'HPUB') return { bytes: Buffer.from(buffer.subarray(0, end + 2)) };
  // PUB <subject> [reply] <size> / HPUB <subject> [reply] <header size> <total size>: payload + CRLF.
  const length = end + 2 + Number(args.at(-1)) + 2;
  if (buffer.length < length) return undefined;
  return { bytes: Buffer.from(buffer.subarray(0, length)), subject: args[0] };
}
