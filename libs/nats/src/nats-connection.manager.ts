import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { KV, KvOptions } from 'nats';
import type { Gauge } from 'prom-client';
import { ConnectionEvents, type ReplaceConnection } from './connection-events';
import { FailClosedGate } from './fail-closed.gate';
import type { JetStreamAcks } from './jetstream-acks';
import { gatewayConnectOptions } from './nats-connect-options';
import { NatsConnectionState } from './nats-connection.state';
import { NatsFailureTracker } from './nats-failure.tracker';
import { NatsHealth, type NatsStatus } from './nats-health';
import { NATS_OPTIONS } from './nats.module-definition';
import { NATS_CONNECTED } from './nats.metrics';
import type { NatsModuleOptions } from './nats.options';
import { ReconnectLoop } from './reconnect-loop';
import { StaleBufferGuard } from './stale-buffer.guard';
import { StreamProvisioner } from './stream.provisioner';
import { StreamReadiness } from './stream-readiness';
import { WriteOutcomes } from './write-outcomes';

export type { NatsState } from './nats-connection.state';
export type { NatsStatus } from './nats-health';

/** How long the start waits for NATS before the server listens anyway (not ready). */
const STARTUP_WAIT_MS = 3000;

/**
 * Owns the one NATS connection and never gives up on it: a refused login, an untrusted
 * certificate, a server that is away, a stream that was deleted are all waited out (not ready,
 * webhooks 503) with the cause logged once per change, never a crash loop. This class only wires
 * the parts together and is what the rest of the gateway injects; each job is in its own file:
 * connecting again (ReconnectLoop), the state (NatsConnectionState) and what it means for
 * `/healthz` and readiness (NatsHealth), the fail-closed gate (FailClosedGate), what writes tell
 * of the stream (WriteOutcomes), the stream's readiness (StreamReadiness), and the two reasons to
 * replace a connection: a silent server (SilentServerProbe) and a stale buffer (StaleBufferGuard),
 * both wired to each new connection by ConnectionEvents.
 */
@Injectable()
export class NatsConnectionManager implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly connection = new NatsConnectionState(() => this.health.updateGauge());
  private readonly readiness: StreamReadiness;
  private readonly health: NatsHealth;
  private readonly gate: FailClosedGate;
  private readonly writes: WriteOutcomes;
  private readonly loop: ReconnectLoop;
  private readonly staleBuffer: StaleBufferGuard;

  constructor(
    @Inject(NATS_OPTIONS) options: NatsModuleOptions,
    provisioner: StreamProvisioner,
    failures: NatsFailureTracker,
    @InjectMetric(NATS_CONNECTED) connectedGauge: Gauge,
  ) {
    const { connection } = this;
    this.readiness = new StreamReadiness(provisioner, failures, connection, () => this.health.updateGauge());
    this.health = new NatsHealth(connection, this.readiness, failures, connectedGauge);
    this.gate = new FailClosedGate(connection, this.readiness, this.health, options);
    this.writes = new WriteOutcomes(connection, this.readiness, failures, options);
    const replace: ReplaceConnection = (nc, silentServer) => this.loop.replace(nc, silentServer);
    this.staleBuffer = new StaleBufferGuard(options.bufferMaxAgeMs, connection, replace);
    const events = new ConnectionEvents(
      connection,
      this.readiness,
      failures,
      this.staleBuffer,
      replace,
      options.publishTimeoutMs,
    );
    this.loop = new ReconnectLoop(
      gatewayConnectOptions(options),
      options.servers,
      connection,
      failures,
      events,
    );
  }

  /**
   * Connects before the server listens when NATS answers within a moment, so a fresh replica is
   * ready as soon as it is reachable; otherwise keeps connecting in the background, and the
   * process serves its probes (not ready) while NATS is away.
   */
  async onApplicationBootstrap(): Promise<void> {
    void this.loop.run();
    this.readiness.start();
    const deadline = Date.now() + STARTUP_WAIT_MS;
    while (!this.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** Drains the connection: what was handed to nats.js is sent before the process exits. */
  async onApplicationShutdown(): Promise<void> {
    this.connection.shuttingDown = true;
    this.staleBuffer.stop();
    this.readiness.stop();
    const { nc } = this.connection;
    if (nc && !nc.isClosed()) await nc.drain().catch(() => undefined);
    this.connection.phase = 'closed';
  }

  get status(): NatsStatus {
    return this.health.status;
  }

  /** Connected and the stream and nonce bucket are in place. */
  get ready(): boolean {
    return this.health.ready;
  }

  jetStream(): JetStreamAcks {
    return this.gate.jetStream();
  }

  nonceBucket(): KV {
    return this.gate.nonceBucket();
  }

  openBucket(name: string, options: Partial<KvOptions>): Promise<KV> {
    return this.gate.openBucket(name, options);
  }

  writeFailed(subject: string, err: unknown): void {
    this.writes.failed(subject, err);
  }

  writeSucceeded(): void {
    this.writes.succeeded();
  }
}
