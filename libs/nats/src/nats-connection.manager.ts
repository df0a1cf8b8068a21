import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { StoreUnavailableError } from '@gateway/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import {
  connect,
  type ConnectionOptions,
  DebugEvents,
  Events,
  type KV,
  type KvOptions,
  type NatsConnection,
} from 'nats';
import type { Gauge } from 'prom-client';
import { JetStreamAcks } from './jetstream-acks';
import { natsConnectionOptions } from './nats-auth';
import { NatsFailure, serversForLog } from './nats-failure';
import { type FailureReport, NatsFailureTracker } from './nats-failure.tracker';
import { NATS_OPTIONS } from './nats.module-definition';
import { NATS_CONNECTED } from './nats.metrics';
import type { NatsModuleOptions } from './nats.options';
import { writeFailureKind } from './store-error';
import { avoiding, SilentServerProbe } from './silent-server.probe';
import { StreamProvisioner } from './stream.provisioner';
import { StreamReadiness } from './stream-readiness';

export type NatsState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** What `/healthz` shows of NATS. */
export interface NatsStatus {
  state: NatsState;
  streamReady: boolean;
  /** The server's name (`server_name`) and the address the client is on, while connected. */
  server: { name: string; address: string } | null;
  failing: FailureReport | null;
  last_failure: FailureReport | null;
}

const STARTUP_WAIT_MS = 3000;
const CONNECT_TIMEOUT_MS = 2000;
const BACKOFF_MAX_MS = 5000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
/** 250 ms doubling to 5 s, with jitter so that replicas refused together do not retry together. */
const backoff = (attempt: number) =>
  Math.min(250 * 2 ** attempt, BACKOFF_MAX_MS) * (0.8 + Math.random() * 0.4);

/**
 * Owns the one NATS connection and never gives up on it: a refused login, an untrusted
 * certificate, a server that is away, a stream that was deleted are all waited out (not ready,
 * webhooks 503) with the cause logged once per change, never a crash loop. Its state drives
 * readiness, `/healthz` and the fail-closed path: while it is not ready, callers get a
 * StoreUnavailableError at once instead of a publish that waits for a timeout. Whether the stream
 * and bucket are in place, and the schedule that keeps checking, is StreamReadiness's.
 */
@Injectable()
export class NatsConnectionManager implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Nats');
  private readonly connectOptions: ConnectionOptions;
  private nc?: NatsConnection;
  private acks?: JetStreamAcks;
  private state: NatsState = 'connecting';
  private readonly readiness: StreamReadiness;
  private shuttingDown = false;
  /** Set when the connection is closed on purpose to be replaced (see dropStaleBuffer). */
  private replacing = false;
  /** The server that stopped answering (SilentServerProbe): the next connection tries it last. */
  private silentServer?: string;
  private staleBufferTimer?: NodeJS.Timeout;

  constructor(
    @Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions,
    provisioner: StreamProvisioner,
    private readonly failures: NatsFailureTracker,
    @InjectMetric(NATS_CONNECTED) private readonly connectedGauge: Gauge,
  ) {
    const view = {
      current: () => this.nc,
      connected: () => this.state === 'connected',
      stopping: () => this.shuttingDown,
    };
    this.readiness = new StreamReadiness(provisioner, failures, view, () => this.updateGauge());
    this.connectOptions = {
      ...natsConnectionOptions(options.servers, options.name, options.auth),
      // Reconnects never stop (nats.js stops after 10 by default); a connection closed anyway
      // (e.g. credentials refused twice) is replaced by a new one in run().
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: CONNECT_TIMEOUT_MS,
      // A peer that vanishes without closing the socket is noticed within ~10 s, not 4 minutes;
      // sooner when a write goes unacknowledged meanwhile (SilentServerProbe).
      pingInterval: 5000,
      maxPingOut: 2,
      // nats.js builds an Error per request just to keep a stack trace for a timeout; at three
      // requests per webhook that was among the hottest costs of the gateway (docs/performance.md).
      noAsyncTraces: true,
    };
  }

  /**
   * Connects before the server listens when NATS answers within a moment, so a fresh replica is
   * ready as soon as it is reachable; otherwise keeps connecting in the background, and the
   * process serves its probes (not ready) while NATS is away.
   */
  async onApplicationBootstrap(): Promise<void> {
    void this.run();
    this.readiness.start();
    const deadline = Date.now() + STARTUP_WAIT_MS;
    while (!this.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearTimeout(this.staleBufferTimer);
    this.readiness.stop();
    if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
    this.state = 'closed';
  }

  get status(): NatsStatus {
    const nc = this.state === 'connected' ? this.nc : undefined;
    return {
      state: this.state,
      streamReady: this.readiness.ready,
      server: nc ? { name: nc.info?.server_name ?? '', address: nc.getServer() } : null,
      ...this.failures.report,
    };
  }

  /** Connected and the stream and nonce bucket are in place. */
  get ready(): boolean {
    return this.state === 'connected' && this.readiness.ready;
  }

  /** Where JetStream writes go; refused at once while NATS or the stream is not ready. */
  jetStream(): JetStreamAcks {
    if (!this.ready || !this.acks) throw this.unavailable();
    return this.acks;
  }

  nonceBucket(): KV {
    const kv = this.readiness.nonceBucket;
    if (!this.ready || !kv) throw this.unavailable();
    return kv;
  }

  /**
   * A KV bucket of the current connection (the cluster-wide rate bucket): created when missing if
   * NATS_PROVISION allows, else only bound. As for the nonce bucket, no `$JS.API.INFO` check and no
   * direct gets, so the gateway's user needs no more subjects than docs/nats.md lists.
   */
  async openBucket(name: string, options: Partial<KvOptions>): Promise<KV> {
    if (!this.ready || !this.nc) throw this.unavailable();
    const settings = this.options.provision ? options : { bindOnly: true };
    return this.nc
      .jetstream({ timeout: this.options.publishTimeoutMs, checkAPI: false })
      .views.kv(name, { ...settings, allow_direct: false });
  }

  /**
   * A JetStream write to `subject` failed. A stream or bucket that no longer answers (deleted,
   * lost with its server's store) is looked for, and provisioned again when allowed, at once
   * rather than at the next periodic check; a full stream is reported.
   */
  writeFailed(subject: string, err: unknown): void {
    const kind = writeFailureKind(err);
    if (kind === 'full') {
      this.failures.fail(
        new NatsFailure('stream_full', `stream ${this.options.stream} is full: ${(err as Error).message}`),
      );
    } else if (kind === 'gone' && this.readiness.ready && this.nc) {
      const cause = subject.startsWith('$KV.') ? 'bucket_missing' : 'stream_missing';
      this.failures.fail(
        new NatsFailure(cause, `no stream answered a write to ${subject.split('.', 2).join('.')}`),
      );
      void this.readiness.provision(this.nc);
    }
  }

  /** A write was stored: whatever failed before (a full stream, a denied subject) works again. Cheap: it runs on every publish. */
  writeSucceeded(): void {
    if (this.failures.currentCause) this.failures.recovered();
  }

  private unavailable(): StoreUnavailableError {
    return new StoreUnavailableError(`NATS ${this.state}${this.readiness.ready ? '' : ', stream not ready'}`);
  }

  /** Connect, serve until the connection closes, connect again: until shutdown. */
  private async run(): Promise<void> {
    for (let attempt = 0; !this.shuttingDown;) {
      let nc: NatsConnection;
      try {
        nc = await connect(avoiding(this.connectOptions, this.silentServer));
      } catch (err) {
        this.failures.fail(err, serversForLog(this.options.servers));
        await sleep(backoff(attempt++));
        continue;
      }
      attempt = 0;
      this.silentServer = undefined;
      if (this.shuttingDown) return void (await nc.close());
      this.attach(nc);
      const err = await nc.closed();
      if (this.shuttingDown) return;
      this.readiness.lost();
      this.setState('reconnecting');
      this.acks?.failAll('NATS connection closed');
      if (this.replacing) {
        this.replacing = false;
        continue;
      }
      this.failures.fail(err ?? new NatsFailure('unreachable', 'the NATS connection closed'));
      await sleep(backoff(attempt++));
    }
  }

  private attach(nc: NatsConnection): void {
    this.nc = nc;
    const probe = new SilentServerProbe(nc, this.failures, (silent) => this.replace(nc, silent));
    this.acks = new JetStreamAcks(nc, this.options.publishTimeoutMs, probe.ackTimedOut);
    this.setState('connected');
    this.failures.connected();
    this.logger.log(`connected to ${nc.info?.server_name ?? ''} at ${nc.getServer()}`);
    void this.watchStatus(nc);
    void this.readiness.provision(nc);
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === Events.Disconnect || s.type === DebugEvents.Reconnecting) {
        this.setState('reconnecting');
        this.failures.fail(new NatsFailure('unreachable', `disconnected from ${nc.getServer()}`));
        this.acks?.failAll(`NATS disconnected`);
        this.staleBufferTimer ??= setTimeout(
          () => void this.dropStaleBuffer(nc),
          this.options.bufferMaxAgeMs,
        );
      } else if (s.type === Events.Reconnect) {
        clearTimeout(this.staleBufferTimer);
        this.staleBufferTimer = undefined;
        this.logger.log(`reconnected to ${nc.info?.server_name ?? ''} at ${nc.getServer()}`);
        this.setState('connected');
        void this.readiness.provision(nc);
      } else if (s.type === Events.Error) {
        // The server's -ERR: a refused login, an expired JWT, or a subject this user may not use.
        const denied = s.permissionContext;
        const code = typeof s.data === 'string' ? s.data : 'NATS_PROTOCOL_ERR';
        const message = denied ? `not permitted to ${denied.operation} ${denied.subject}` : code;
        this.failures.fail(Object.assign(new Error(message), { code }));
      }
    }
  }

  /**
   * nats.js keeps what is written while a reconnect attempt hangs (a server or network that
   * accepts the connection and then says nothing) and flushes it once through, however late.
   * Every such message was answered 503 long ago; a trading signal stored minutes later would
   * surprise everyone. So past the bound the client, buffer and all, is replaced by a fresh one.
   */
  private async dropStaleBuffer(nc: NatsConnection): Promise<void> {
    this.staleBufferTimer = undefined;
    if (nc !== this.nc || this.shuttingDown) return;
    this.logger.warn(
      `NATS away for ${this.options.bufferMaxAgeMs} ms: dropping unsent messages and connecting afresh`,
    );
    await this.replace(nc);
  }

  /**
   * Closes `nc` on purpose: run() connects afresh at once, without counting it a failure, and to
   * another server first when `silentServer` stopped answering.
   */
  private async replace(nc: NatsConnection, silentServer?: string): Promise<void> {
    if (nc !== this.nc || this.shuttingDown) return;
    this.replacing = true;
    this.silentServer = silentServer;
    await nc.close().catch(() => undefined);
  }

  private setState(state: NatsState): void {
    this.state = state;
    this.updateGauge();
  }

  private updateGauge(): void {
    this.connectedGauge.set(this.ready ? 1 : 0);
  }
}
