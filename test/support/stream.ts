import { connect, NatsConnection } from 'nats';

export interface StoredMessage {
  subject: string;
  headers: Record<string, string>;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Reads back what the gateway stored, as a downstream consumer would. */
export class StreamReader {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly stream: string,
  ) {}

  static async open(url: string, stream: string): Promise<StreamReader> {
    return new StreamReader(
      await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 }),
      stream,
    );
  }

  async all(): Promise<StoredMessage[]> {
    const jsm = await this.nc.jetstreamManager();
    const { state } = await jsm.streams.info(this.stream);
    const out: StoredMessage[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(this.stream, { seq }).catch(() => undefined);
      if (!m) continue;
      const headers: Record<string, string> = {};
      for (const [k] of m.header ?? []) headers[k.toLowerCase()] = m.header.get(k);
      out.push({ subject: m.subject, headers, data: m.json() });
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

  close(): Promise<void> {
    return this.nc.close();
  }
}
