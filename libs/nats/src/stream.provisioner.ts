import { Inject, Injectable, Logger } from '@nestjs/common';
import { type JetStreamManager, type KV, type NatsConnection, nanos, type StreamConfig } from 'nats';
import { JsErrorCode, jsErrorCode } from './nats-error-code';
import { NatsFailure } from './nats-failure';
import { NATS_OPTIONS } from './nats.module-definition';
import type { NatsModuleOptions } from './nats.options';
import { SchemaRegistry } from './schema-registry';
import { type AppliedValues, appliedValues, recordOf, StreamOwnership } from './stream-ownership';
import {
  describeDrifts,
  newStreamConfig,
  ownedValues,
  type SettingDrift,
  streamDrifts,
} from './stream-settings';
import { StreamUsage } from './stream-usage';

/**
 * Creates what is missing of the stream and the nonce bucket and applies the gateway's own
 * settings when they changed (NATS_PROVISION=true; who owns which setting: StreamOwnership), or
 * only checks them (false). Idempotent: it runs at every (re)connect, when a write finds the
 * stream gone, and periodically, because a server that lost its store, or an operator's
 * `nats stream rm`, leaves the gateway without them. Every change it makes is logged; every
 * finding that keeps the gateway from being ready is a NatsFailure naming what is missing or different.
 */
@Injectable()
export class StreamProvisioner {
  private readonly logger = new Logger('NatsProvisioner');
  /** Non-essential drifts already reported, so an unchanged finding is not logged at every check. */
  private readonly reported = new Set<string>();
  private readonly ownership = new StreamOwnership();

  constructor(
    @Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions,
    private readonly schemas: SchemaRegistry,
    private readonly usage: StreamUsage,
  ) {}

  get nonceBucket(): string {
    return `${this.options.stream}-nonces`;
  }

  async provision(nc: NatsConnection): Promise<KV> {
    // checkAPI false: no `$JS.API.INFO` request, one permission fewer for the gateway's user.
    const jsm = await nc.jetstreamManager({ timeout: this.options.publishTimeoutMs, checkAPI: false });
    await this.ensureStream(jsm);
    await this.ensureBucket(nc, jsm);
    await this.schemas.ensure(nc, jsm);
    // Bound, not created: the bucket was just checked. Without direct gets, reads of a released
    // nonce go through `$JS.API.STREAM.MSG.GET`, one subject to grant (docs/nats.md).
    return nc
      .jetstream({ timeout: this.options.publishTimeoutMs, checkAPI: false })
      .views.kv(this.nonceBucket, { bindOnly: true, allow_direct: false });
  }

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const { stream, provision } = this.options;
    const config = await this.existing(jsm, stream);
    if (!config) {
      if (!provision) {
        throw new NatsFailure(
          'stream_missing',
          `stream ${stream} does not exist; NATS_PROVISION=false, so it is not created (docs/nats.md)`,
        );
      }
      await jsm.streams.add(newStreamConfig(stream, this.options)).catch((err: Error) => {
        // e.g. its subjects overlap another stream's, or the server has no room for max_bytes.
        throw new NatsFailure(
          'stream_missing',
          `stream ${stream} does not exist and cannot be created: ${err.message}`,
        );
      });
      this.ownership.created(stream);
      this.logger.log(`stream ${stream} created: ${describeStream(this.options)}`);
      return;
    }
    const drifts = streamDrifts(config, this.options);
    await this.reconcile(jsm, config, drifts, 'stream_mismatch', ownedValues(this.options));
  }

  private async ensureBucket(nc: NatsConnection, jsm: JetStreamManager): Promise<void> {
    const { provision, replicas, nonceTtlSec } = this.options;
    const name = `KV_${this.nonceBucket}`;
    const owned = { max_age: `${nonceTtlSec}s`, num_replicas: String(replicas) };
    const config = await this.existing(jsm, name);
    if (!config) {
      if (!provision) {
        throw new NatsFailure(
          'bucket_missing',
          `nonce bucket ${this.nonceBucket} does not exist; NATS_PROVISION=false, so it is not created (docs/nats.md)`,
        );
      }
      // Created through nats.js, so the bucket is a KV bucket in every detail (subjects, rollups).
      await nc
        .jetstream({ timeout: this.options.publishTimeoutMs, checkAPI: false })
        .views.kv(this.nonceBucket, {
          history: 1,
          ttl: nonceTtlSec * 1000,
          replicas,
          description: recordOf(owned),
        });
      this.ownership.created(name);
      this.logger.log(
        `nonce bucket ${this.nonceBucket} created: ttl ${nonceTtlSec}s, ${replicas} replica(s)`,
      );
      return;
    }
    const ttl = nanos(nonceTtlSec * 1000);
    const drifts: SettingDrift[] = [];
    if (config.max_age !== ttl) {
      drifts.push({
        field: 'max_age',
        have: `${Math.round(config.max_age / 1e9)}s`,
        want: owned.max_age,
        // Forgotten too early, a nonce could be replayed inside the replay window.
        essential: config.max_age > 0 && config.max_age < ttl,
        fix: (c) => ({ ...c, max_age: ttl }),
      });
    }
    if (config.num_replicas !== replicas) {
      drifts.push({
        field: 'num_replicas',
        have: String(config.num_replicas),
        want: owned.num_replicas,
        essential: false,
        fix: (c) => ({ ...c, num_replicas: replicas }),
      });
    }
    await this.reconcile(jsm, config, drifts, 'bucket_mismatch', owned);
  }

  /** The stream's config, or undefined when it does not exist. */
  private async existing(jsm: JetStreamManager, name: string): Promise<StreamConfig | undefined> {
    try {
      const info = await jsm.streams.info(name);
      // Read here anyway: the stream's use of its limits is exported from it (StreamUsage).
      if (name === this.options.stream) this.usage.record(info);
      return info.config;
    } catch (err) {
      if (jsErrorCode(err) === JsErrorCode.StreamNotFound) return undefined;
      throw err;
    }
  }

  private async reconcile(
    jsm: JetStreamManager,
    config: StreamConfig,
    drifts: SettingDrift[],
    cause: 'stream_mismatch' | 'bucket_mismatch',
    wanted: AppliedValues,
  ): Promise<void> {
    if (this.options.provision) {
      const { apply, kept } = this.ownership.decide(config, drifts, wanted);
      this.reportOnce(
        kept,
        `${config.name} differs from this gateway's settings and is kept as it is (an operator's edit or another configuration's; the gateway applies a value only when its own changes)`,
      );
      if (apply.length > 0) await this.update(jsm, config, apply, cause);
      return;
    }
    if (drifts.length === 0) return;
    const essential = drifts.filter((d) => d.essential);
    if (essential.length > 0) {
      throw new NatsFailure(
        cause,
        `${config.name} differs: ${describeDrifts(essential)}; NATS_PROVISION=false, so it is not changed`,
      );
    }
    this.reportOnce(
      drifts,
      `${config.name} differs from the gateway's settings (left as is, NATS_PROVISION=false)`,
    );
  }

  /** Corrects `drifts`, and records the values applied so a later look knows them for the gateway's. */
  private async update(
    jsm: JetStreamManager,
    config: StreamConfig,
    drifts: SettingDrift[],
    cause: 'stream_mismatch' | 'bucket_mismatch',
  ): Promise<void> {
    const applied = { ...appliedValues(config), ...Object.fromEntries(drifts.map((d) => [d.field, d.want])) };
    const fixed = { ...drifts.reduce((c, d) => d.fix(c), config), description: recordOf(applied) };
    try {
      await jsm.streams.update(config.name, fixed);
    } catch (err) {
      throw new NatsFailure(
        cause,
        `${config.name}: cannot change ${describeDrifts(drifts)}: ${(err as Error).message}`,
      );
    }
    this.logger.log(`${config.name} changed: ${describeDrifts(drifts)}`);
  }

  /** A finding that changes nothing, logged when it is new rather than at every check. */
  private reportOnce(drifts: SettingDrift[], what: string): void {
    if (drifts.length === 0) return;
    const finding = `${what}: ${describeDrifts(drifts)}`;
    if (!this.reported.has(finding)) this.logger.warn(finding);
    this.reported.add(finding);
  }
}

function describeStream(o: NatsModuleOptions): string {
  const limit = (v: number, unit: string) => (v > 0 ? `${v}${unit}` : 'unlimited');
  return `subjects signals.>, ${o.replicas} replica(s), duplicate window ${o.duplicateWindowSec}s, max age ${limit(o.maxAgeSec, 's')}, max bytes ${limit(o.maxBytes, '')}, discard new`;
}
