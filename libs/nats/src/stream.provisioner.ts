import { Inject, Injectable, Logger } from '@nestjs/common';
import { STREAM_SUBJECTS, Subjects } from '@gateway/contracts';
import { JetStreamManager, KV, NatsConnection, nanos, StorageType } from 'nats';
import { NATS_OPTIONS } from './nats.module-definition';
import type { NatsModuleOptions } from './nats.options';

const STREAM_NOT_FOUND = 10059;

/** A stream that exists but cannot hold our subjects: retrying will not help, an operator must act. */
export class StreamMisconfiguredError extends Error {}

/**
 * Creates the stream and the nonce bucket when missing and checks them when present. Idempotent:
 * it runs at every (re)connect, because a server that lost its store comes back without them.
 */
@Injectable()
export class StreamProvisioner {
  private readonly logger = new Logger(StreamProvisioner.name);

  constructor(@Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions) {}

  get nonceBucket(): string {
    return `${this.options.stream}-nonces`;
  }

  async provision(nc: NatsConnection): Promise<KV> {
    const jsm = await nc.jetstreamManager({ timeout: this.options.publishTimeoutMs });
    await this.ensureStream(jsm);
    return nc.jetstream({ timeout: this.options.publishTimeoutMs }).views.kv(this.nonceBucket, {
      history: 1,
      ttl: this.options.nonceTtlSec * 1000,
      replicas: this.options.replicas,
    });
  }

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const { stream, replicas, duplicateWindowSec } = this.options;
    const duplicateWindow = nanos(duplicateWindowSec * 1000);
    try {
      const { config } = await jsm.streams.info(stream);
      const missing = Object.values(Subjects).filter((s) => !config.subjects.some((p) => covers(p, s)));
      if (missing.length > 0) {
        throw new StreamMisconfiguredError(
          `stream ${stream} exists but does not cover ${missing.join(', ')} (its subjects: ${config.subjects.join(', ')})`,
        );
      }
      if (config.duplicate_window !== duplicateWindow) {
        this.logger.warn(
          `stream ${stream}: duplicate window set to ${duplicateWindowSec}s (IDEMPOTENCY_TTL_SEC)`,
        );
        await jsm.streams.update(stream, { ...config, duplicate_window: duplicateWindow });
      }
    } catch (err) {
      if ((err as { api_error?: { err_code?: number } }).api_error?.err_code !== STREAM_NOT_FOUND) throw err;
      await jsm.streams.add({
        name: stream,
        subjects: STREAM_SUBJECTS,
        storage: StorageType.File,
        num_replicas: replicas,
        duplicate_window: duplicateWindow,
      });
      this.logger.log(`stream ${stream} created over ${STREAM_SUBJECTS.join(', ')}`);
    }
  }
}

/** Whether a NATS subject pattern (with `*` and `>` wildcards) matches a concrete subject. */
export function covers(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
