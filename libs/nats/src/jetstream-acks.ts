import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from 'nats';

/** What JetStream answered for one stored message. */
export interface PubAck {
  duplicate: boolean;
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
  private next = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    nc.subscribe(`${this.prefix}*`, { callback: (_err, msg) => this.settle(msg) });
  }

  /** Resolves with the ack; rejects after `timeoutMs` (at most the configured publish timeout). */
  publish(subject: string, data: string, headers: MsgHdrs, timeoutMs = this.timeoutMs): Promise<PubAck> {
    const token = (this.next++).toString(36);
    const wait = Math.min(timeoutMs, this.timeoutMs);
    return new Promise<PubAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        reject(new Error(`no acknowledgement within ${wait} ms`));
      }, wait);
      this.waiting.set(token, { resolve, reject, timer });
      try {
        this.nc.publish(subject, data, { reply: this.prefix + token, headers });
      } catch (err) {
        // Refused before it left (over the server's max_payload, connection closed).
        clearTimeout(timer);
        this.waiting.delete(token);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** The connection is gone: nothing in flight can be confirmed any more, so say so now. */
  failAll(reason: string): void {
    for (const [token, w] of this.waiting) {
      clearTimeout(w.timer);
      this.waiting.delete(token);
      w.reject(new Error(reason));
    }
  }

  private settle(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    const w = this.waiting.get(token);
    if (!w) return; // answered after its timeout: the webhook already got its 503
    this.waiting.delete(token);
    clearTimeout(w.timer);
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
    w.resolve({ duplicate: ack.duplicate === true });
  }
}
