import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { DeadLetterStream } from './dead-letter-stream';
import type { DlqHealOptions } from './heal.options';

/**
 * The healer's own NATS connection, open for one pass only: between passes the gateway holds no
 * second connection, and a pass that cannot connect fails at once and is tried again later.
 */
export class HealerNats extends DeadLetterStream {
  readonly stream: string;
  private nc?: NatsConnection;
  js!: JetStreamClient;
  jsm!: JetStreamManager;

  constructor(private readonly options: DlqHealOptions) {
    super();
    this.stream = options.stream;
  }

  async open(): Promise<void> {
    this.nc = await connect({ ...this.options.connection, timeout: 2000, maxReconnectAttempts: 0 });
    // checkAPI false: no `$JS.API.INFO` request, one permission fewer (docs/nats.md).
    const opts = { timeout: this.options.publishTimeoutMs, checkAPI: false };
    this.js = this.nc.jetstream(opts);
    this.jsm = await this.nc.jetstreamManager(opts);
  }

  /** Sends what is buffered (acknowledgements, naks), then closes. */
  async close(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    if (!nc || nc.isClosed()) return;
    await nc.flush().catch(() => undefined);
    await nc.close();
  }
}
