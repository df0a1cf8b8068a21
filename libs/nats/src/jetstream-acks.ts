import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from 'nats';

/** What JetStream answered for one stored message. */
export interface PubAck {
  duplicate: boolean;
  /** The stored message's sequence: the original's, for a duplicate. */
  seq: number;
}

/** JetStream refused the message (e.g. err_code 10071: a KV key that already exists). */
export class JetStreamApiError extends Error {
  constructor(
    message: string,
    readonly errCode: number | undefined,
    /** A status reply instead of an ack: 503 means no stream listens on the subject. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A write waiting for this turn's `sendOutbox`. */
interface Outgoing {
  subject: string;
  data: string | Uint8Array;
  headers: MsgHdrs;
  token: string;
}

interface Waiting {
  resolve: (ack: PubAck) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * JetStream publishes matched to their acks over one reply subscription.
 *
 * nats.js's `js.publish` is a request: per call a mux entry, a deferred, and on success an Error
 * built (stack trace and all) to "cancel" the deferred it has just resolved. At three JetStream
 * writes per webhook that was the gateway's hottest single cost (docs/performance.md). Here a
 * write is one `nc.publish` with a reply subject, and the ack settles a promise by its token.
 */
export class JetStreamAcks {
  private readonly prefix = `${createInbox()}.`;
  private readonly waiting = new Map<string, Waiting>();
  private outbox: Outgoing[] = [];
  private next = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
    /** Told of every write that got no acknowledgement in time (SilentServerProbe). */
    private readonly onAckTimeout: () => void = () => undefined,
  ) {
    nc.subscribe(`${this.prefix}*`, { callback: (_err, msg) => this.settle(msg) });
  }

  /** The largest message (payload and headers) the connected server takes (its max_payload). */
  get maxPayload(): number {
    return this.nc.info?.max_payload ?? Number.POSITIVE_INFINITY;
  }

  /** Resolves with the ack; rejects after `timeoutMs` (at most the configured publish timeout). */
  publish(
    subject: string,
    data: string | Uint8Array,
    headers: MsgHdrs,
    timeoutMs = this.timeoutMs,
  ): Promise<PubAck> {
    const token = (this.next++).toString(36);
    const wait = Math.min(timeoutMs, this.timeoutMs);
    return new Promise<PubAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        reject(new Error(`no acknowledgement within ${wait} ms`));
        this.onAckTimeout();
      }, wait);
      this.waiting.set(token, { resolve, reject, timer });
      if (this.outbox.push({ subject, data, headers, token }) === 1) setImmediate(this.sendOutbox);
    });
  }

  /**
   * Hands this turn's writes to nats.js together. nats.js writes to its socket at the end of
   * every callback that published, so each webhook's writes would be one socket write of their
   * own, and on a loopback socket the write is the costliest step of a publish (the kernel
   * delivers it to nats-server inside the call). Gathered until the event loop's check phase,
   * every webhook served in one turn shares one write; the wait is that turn.
   */
  private readonly sendOutbox = (): void => {
    const batch = this.outbox;
    this.outbox = [];
    for (const { subject, data, headers, token } of batch) {
      // Already answered (the connection was lost this turn): never sent after its webhook's 503.
      if (!this.waiting.has(token)) continue;
      try {
        this.nc.publish(subject, data, { reply: this.prefix + token, headers });
      } catch (err) {
        // Refused before it left (over the server's max_payload, connection closed).
        this.take(token)?.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
  };

  /** The connection is gone: nothing in flight can be confirmed any more, so say so now. */
  failAll(reason: string): void {
    for (const token of [...this.waiting.keys()]) this.take(token)?.reject(new Error(reason));
  }

  /** Stops waiting for `token`: its entry, timer cleared; undefined when already answered. */
  private take(token: string): Waiting | undefined {
    const w = this.waiting.get(token);
    if (!w) return undefined;
    clearTimeout(w.timer);
    this.waiting.delete(token);
    return w;
  }

  private settle(msg: Msg): void {
    const w = this.take(msg.subject.slice(this.prefix.length));
    if (!w) return; // answered after its timeout: the webhook already got its 503
    // A status reply (503: no stream listens on the subject) instead of an ack.
    if (msg.headers?.hasError)
      return w.reject(
        new JetStreamApiError(`${msg.headers.code} ${msg.headers.description}`, undefined, msg.headers.code),
      );
    let ack: {
      stream?: unknown;
      seq?: unknown;
      duplicate?: boolean;
      error?: { description: string; err_code?: number };
    };
    try {
      ack = msg.json();
    } catch {
      // Never throw here: this runs inside nats.js's message parser, for the whole connection.
      return w.reject(new JetStreamApiError('the acknowledgement was not JSON', undefined));
    }
    if (ack.error) return w.reject(new JetStreamApiError(ack.error.description, ack.error.err_code));
    // Only a stream's own ack means stored: any other responder on the subject is not JetStream.
    if (typeof ack.stream !== 'string' || typeof ack.seq !== 'number' || ack.seq < 1)
      return w.reject(new JetStreamApiError('the reply was not a JetStream acknowledgement', undefined));
    w.resolve({ duplicate: ack.duplicate === true, seq: ack.seq });
  }

  /**
   * The value of header `name` of the message stored at `seq` in `stream` (undefined when it has
   * none): one JetStream API request (STREAM.MSG.GET), made only to check a duplicate.
   */
  async headerAt(stream: string, seq: number, name: string, timeoutMs: number): Promise<string | undefined> {
    const reply = await this.nc.request(`$JS.API.STREAM.MSG.GET.${stream}`, JSON.stringify({ seq }), {
      timeout: Math.min(timeoutMs, this.timeoutMs),
    });
    const answer = reply.json<{
      message?: { hdrs?: string };
      error?: { description: string; err_code?: number };
    }>();
    if (answer.error) throw new JetStreamApiError(answer.error.description, answer.error.err_code);
    const block = Buffer.from(answer.message?.hdrs ?? '', 'base64').toString('utf8');
    const prefix = `${name.toLowerCase()}:`;
    const line = block.split('\r\n').find((l) => l.toLowerCase().startsWith(prefix));
    return line?.slice(prefix.length).trim();
  }
}
