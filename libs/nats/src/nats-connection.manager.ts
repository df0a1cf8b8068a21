import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { StoreUnavailableError } from '@gateway/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { connect, DebugEvents, Events, KV, KvOptions, NatsConnection } from 'nats';
import type { Gauge } from 'prom-client';
import { JetStreamAcks } from './jetstream-acks';
import { NATS_OPTIONS } from './nats.module-definition';
import { NATS_CONNECTED } from './nats.metrics';
import type { NatsModuleOptions } from './nats.options';
import { StreamMisconfiguredError, StreamProvisioner } from './stream.provisioner';

export type NatsState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

const PROVISION_RETRY_MS = 1000;
const STARTUP_WAIT_MS = 3000;

/**
 * Owns the one NATS connection. It never gives up reconnecting (nats.js stops after 10 tries by
 * default), and its state drives readiness, `/healthz` and the fail-closed path: while it is not
 * ready, callers get a StoreUnavailableError at once instead of a publish that waits for a timeout.
 */
@Injectable()
export class NatsConnectionManager implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Nats');
  private nc?: NatsConnection;
  private acks?: JetStreamAcks;
  private kv?: KV;
  private state: NatsState = 'connecting';
  private streamReady = false;
  private shuttingDown = false;
  private staleBufferTimer?: NodeJS.Timeout;

  constructor(
    @Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions,
    private readonly provisioner: StreamProvisioner,
    @InjectMetric(NATS_CONNECTED) private readonly connectedGauge: Gauge,
  ) {}

  /**
   * Connects before the server listens when NATS answers within a moment, so a fresh replica is
   * ready as soon as it is reachable; otherwise keeps connecting in the background, and the
   * process serves its probes (not ready) while NATS is away.
   */
  async onApplicationBootstrap(): Promise<void> {
    void this.connect();
    const deadline = Date.now() + STARTUP_WAIT_MS;
    while (!this.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearTimeout(this.staleBufferTimer);
    if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }

  get status(): { state: NatsState; streamReady: boolean } {
    return { state: this.state, streamReady: this.streamReady };
  }

  /** Connected and the stream and nonce bucket are in place. */
  get ready(): boolean {
    return this.state === 'connected' && this.streamReady;
  }

  /** Where JetStream writes go; refused at once while NATS or the stream is not ready. */
  jetStream(): JetStreamAcks {
    if (!this.ready || !this.acks) throw new StoreUnavailableError(`NATS ${this.state}`);
    return this.acks;
  }

  nonceBucket(): KV {
    if (!this.ready || !this.kv) throw new StoreUnavailableError(`NATS ${this.state}`);
    return this.kv;
  }

  /** A KV bucket of the current connection, created when missing (the cluster-wide rate bucket). */
  async openBucket(name: string, options: Partial<KvOptions>): Promise<KV> {
    if (!this.ready || !this.nc) throw new StoreUnavailableError(`NATS ${this.state}`);
    return this.nc.jetstream({ timeout: this.options.publishTimeoutMs }).views.kv(name, options);
  }

  private async connect(): Promise<void> {
    const nc = await connect({
      servers: this.options.servers,
      name: this.options.name,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      reconnectTimeWait: 250,
      // A peer that vanishes without closing the socket is noticed within ~10 s, not 4 minutes.
      pingInterval: 5000,
      maxPingOut: 2,
      // nats.js builds an Error per request just to keep a stack trace for a timeout; at three
      // requests per webhook that was among the hottest costs of the gateway (docs/performance.md).
      noAsyncTraces: true,
    });
    if (this.shuttingDown) return void (await nc.close());
    this.nc = nc;
    this.acks = new JetStreamAcks(nc, this.options.publishTimeoutMs);
    this.setState('connected');
    this.logger.log(`connected to ${nc.getServer()}`);
    void this.watchStatus(nc);
    void this.watchClosed(nc);
    void this.provision(nc);
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === Events.Disconnect || s.type === DebugEvents.Reconnecting) {
        if (this.state === 'connected') this.logger.warn(`disconnected from ${nc.getServer()}`);
        this.setState('reconnecting');
        this.acks?.failAll(`NATS disconnected`);
        this.staleBufferTimer ??= setTimeout(
          () => void this.dropStaleBuffer(nc),
          this.options.bufferMaxAgeMs,
        );
      } else if (s.type === Events.Reconnect) {
        clearTimeout(this.staleBufferTimer);
        this.staleBufferTimer = undefined;
        this.logger.log(`reconnected to ${nc.getServer()}`);
        this.setState('connected');
        void this.provision(nc);
      }
    }
  }

  /**
   * nats.js keeps what is written while a reconnect attempt hangs (a server or network that
   * accepts the connection and then says nothing) and flushes it once through, however late. Every such message was answered 503 long ago; a trading signal stored minutes later would
   * surprise everyone. So past the bound the client, buffer and all, is replaced by a fresh one.
   */
  private async dropStaleBuffer(nc: NatsConnection): Promise<void> {
    this.staleBufferTimer = undefined;
    if (nc !== this.nc || this.shuttingDown) return;
    this.logger.warn(
      `NATS away for ${this.options.bufferMaxAgeMs} ms: dropping unsent messages and connecting afresh`,
    );
    this.nc = undefined;
    await nc.close().catch(() => undefined);
    await this.connect();
  }

  private async watchClosed(nc: NatsConnection): Promise<void> {
    const err = await nc.closed();
    if (nc !== this.nc) return; // replaced on purpose by dropStaleBuffer
    this.setState('closed');
    if (this.shuttingDown) return;
    // Reconnecting is unlimited, so a close means something is wrong for good: a pod that stays
    // up answering 503 forever helps nobody, a restart might.
    this.logger.fatal(`NATS connection closed${err ? `: ${err.message}` : ''}; exiting`);
    process.exit(1);
  }

  private async provision(nc: NatsConnection): Promise<void> {
    this.streamReady = false;
    this.updateGauge();
    while (this.state === 'connected' && !nc.isClosed()) {
      try {
        this.kv = await this.provisioner.provision(nc);
        this.streamReady = true;
        this.updateGauge();
        return;
      } catch (err) {
        if (err instanceof StreamMisconfiguredError) {
          this.logger.fatal(err.message);
          process.exit(1);
        }
        this.logger.warn(`stream not ready yet: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, PROVISION_RETRY_MS));
      }
    }
  }

  private setState(state: NatsState): void {
    this.state = state;
    this.updateGauge();
  }

  private updateGauge(): void {
    this.connectedGauge.set(this.ready ? 1 : 0);
  }
}
