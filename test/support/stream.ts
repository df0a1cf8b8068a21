import { CANARY_SUBJECT } from '@gateway/contracts';
import { EventValidator } from '@gateway/json-schema';
import { connect, type ConnectionOptions, NatsConnection } from 'nats';

export interface StoredMessage {
  subject: string;
  headers: Record<string, string>;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

// Every event a test reads back is checked against its subject's schema, exactly: nothing the
// schema does not declare. A test that stores an event the contract does not describe fails here.
const schemas = new EventValidator('v1');

/** Reads back what the gateway stored, as a downstream consumer would. */
export class StreamReader {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly stream: string,
  ) {}

  /** `options`: how to reach a secured server (an admin's credentials, TLS). */
  static async open(url: string, stream: string, options: ConnectionOptions = {}): Promise<StreamReader> {
    return new StreamReader(
      await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100, ...options }),
      stream,
    );
  }

  /** Every stored message, each checked against its event schema (throws on the first that fails). */
  all(): Promise<StoredMessage[]> {
    return this.after(0);
  }

  /** The stream's last sequence number (0 when empty): a mark to read `after`. */
  async lastSeq(): Promise<number> {
    const jsm = await this.nc.jetstreamManager();
    return (await jsm.streams.info(this.stream)).state.last_seq;
  }

  /** The messages stored after sequence `seq`, each checked against its event schema. */
  async after(seq: number): Promise<StoredMessage[]> {
    const jsm = await this.nc.jetstreamManager();
    const { state } = await jsm.streams.info(this.stream);
    const out: StoredMessage[] = [];
    for (
      let next = Math.max(seq + 1, state.first_seq);
      state.messages > 0 && next <= state.last_seq;
      next++
    ) {
      const m = await jsm.streams.getMessage(this.stream, { seq: next }).catch(() => undefined);
      if (!m) continue;
      const headers: Record<string, string> = {};
      for (const [k] of m.header ?? []) headers[k.toLowerCase()] = m.header.get(k);
      const message: StoredMessage = { subject: m.subject, headers, data: m.json() };
      assertValid(next, message);
      out.push(message);
    }
    return out;
  }

  /** How many messages the stream holds (cheap: one request, whatever the stream's size). */
  async count(): Promise<number> {
    const jsm = await this.nc.jetstreamManager();
    return (await jsm.streams.info(this.stream)).state.messages;
  }

  async about(eventId: string): Promise<StoredMessage[]> {
    return (await this.all()).filter((m) => m.data.event_id === eventId || m.data.raw_event_id === eventId);
  }

  /**
   * How many times each event is stored, keyed `<subject> <event_id>` (a normalized or DLQ event
   * counted under its raw event's id). Reads with one ordered consumer, fast for thousands.
   */
  async census(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const { state } = await (await this.nc.jetstreamManager()).streams.info(this.stream);
    if (state.messages === 0) return counts;
    const consumer = await this.nc.jetstream().consumers.get(this.stream);
    for await (const m of await consumer.consume()) {
      const data = m.json<{ event_id: string; raw_event_id?: string }>();
      const key = `${m.subject} ${data.raw_event_id ?? data.event_id}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (m.info.pending === 0) break;
    }
    return counts;
  }

  close(): Promise<void> {
    return this.nc.close();
  }
}

function assertValid(seq: number, { subject, headers, data }: StoredMessage): void {
  // The canary's subject carries raw and normalized events alike: each is checked as its schema says.
  const eventSubject = subject === CANARY_SUBJECT ? String(data.schema).replace(/\.v\d+$/, '') : subject;
  const check = schemas.check(eventSubject, data, { exact: true });
  if (!check.ok) {
    throw new Error(
      `stream message #${seq} on ${subject} does not match its schema: ${JSON.stringify(check.errors)}\n${JSON.stringify(data)}`,
    );
  }
  if (headers['x-schema'] !== data.schema) {
    throw new Error(`stream message #${seq}: X-Schema ${headers['x-schema']} but schema ${data.schema}`);
  }
  // The registry id consumers look the schema up by (docs/contract.md 7.4).
  if (headers['event-schema'] !== data.schema) {
    throw new Error(
      `stream message #${seq}: Event-Schema ${headers['event-schema']} but schema ${data.schema}`,
    );
  }
}
