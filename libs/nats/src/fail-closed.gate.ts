import { StoreUnavailableError } from '@gateway/contracts';
import type { KV, KvOptions } from 'nats';
import type { JetStreamAcks } from './jetstream-acks';
import type { NatsConnectionState } from './nats-connection.state';
import type { NatsHealth } from './nats-health';
import type { NatsModuleOptions } from './nats.options';
import type { StreamReadiness } from './stream-readiness';

/**
 * The only way to the current connection's JetStream writes and KV buckets, refused with a
 * StoreUnavailableError at once while NATS or the stream is not ready: a webhook gets its 503
 * now, instead of a publish that waits for its timeout on a connection that cannot store it.
 */
export class FailClosedGate {
  constructor(
    private readonly connection: NatsConnectionState,
    private readonly readiness: StreamReadiness,
    private readonly health: NatsHealth,
    private readonly options: NatsModuleOptions,
  ) {}

  /** Where JetStream writes go. */
  jetStream(): JetStreamAcks {
    const acks = this.connection.acks;
    if (!this.health.ready || !acks) throw this.unavailable();
    return acks;
  }

  nonceBucket(): KV {
    const kv = this.readiness.nonceBucket;
    if (!this.health.ready || !kv) throw this.unavailable();
    return kv;
  }

  /**
   * A KV bucket of the current connection (the cluster-wide rate bucket): created when missing if
   * NATS_PROVISION allows, else only bound. As for the nonce bucket, no `$JS.API.INFO` check and no
   * direct gets, so the gateway's user needs no more subjects than docs/nats.md lists.
   */
  async openBucket(name: string, options: Partial<KvOptions>): Promise<KV> {
    const nc = this.connection.nc;
    if (!this.health.ready || !nc) throw this.unavailable();
    const settings = this.options.provision ? options : { bindOnly: true };
    return nc
      .jetstream({ timeout: this.options.publishTimeoutMs, checkAPI: false })
      .views.kv(name, { ...settings, allow_direct: false });
  }

  private unavailable(): StoreUnavailableError {
    const phase = this.connection.phase;
    return new StoreUnavailableError(`NATS ${phase}${this.readiness.ready ? '' : ', stream not ready'}`);
  }
}
