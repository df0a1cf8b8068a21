import { Inject, Injectable } from '@nestjs/common';
import {
  type BucketLimits,
  RateLeaseStore,
  type Reservation,
  StoreUnavailableError,
} from '@gateway/contracts';
import { type BucketState, reserveTokens } from '@gateway/security';
import type { KV } from 'nats';
import { keyExists, withinDeadline } from './kv-nonce.store';
import { NatsConnectionManager } from './nats-connection.manager';
import { NATS_OPTIONS } from './nats.module-definition';
import type { NatsModuleOptions } from './nats.options';

/** Replicas racing for one source's bucket: each lost race is one more read and write. */
const MAX_ATTEMPTS = 8;

/**
 * Cluster-wide token buckets in the KV bucket `<NATS_STREAM>-rate`, one key per source holding
 * its state (tokens, at). A lease reads the state, applies reserveTokens and writes it back only
 * if no other replica wrote in between (compare-and-set on the key's revision), else reads again:
 * two round trips per lease when uncontended. Created on the first lease, so a deployment without
 * cluster-wide limits never has it.
 */
@Injectable()
export class KvRateLeaseStore extends RateLeaseStore {
  private readonly bucket: string;
  private kv?: Promise<KV>;

  constructor(
    private readonly connection: NatsConnectionManager,
    @Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions,
  ) {
    super();
    this.bucket = `${options.stream}-rate`;
  }

  async lease(
    key: string,
    limits: BucketLimits,
    want: number,
    maxWaitMs: number,
    deadline: number,
  ): Promise<Reservation> {
    try {
      return await withinDeadline(this.compareAndSet(key, limits, want, maxWaitMs), deadline);
    } catch (err) {
      // Opened again next time: the connection may have been replaced meanwhile.
      this.kv = undefined;
      if (err instanceof StoreUnavailableError) throw err;
      throw new StoreUnavailableError(`rate bucket: ${(err as Error).message}`);
    }
  }

  private async compareAndSet(
    key: string,
    limits: BucketLimits,
    want: number,
    maxWaitMs: number,
  ): Promise<Reservation> {
    this.kv ??= this.connection.openBucket(this.bucket, { history: 1, replicas: this.options.replicas });
    const kv = await this.kv;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await kv.get(key);
      const state = entry?.operation === 'PUT' ? (entry.json<BucketState>() ?? undefined) : undefined;
      const next = reserveTokens(state, limits, want, maxWaitMs, Date.now());
      if (next.reservation.granted === 0) return next.reservation;
      try {
        const value = JSON.stringify(next.state);
        await (entry ? kv.update(key, value, entry.revision) : kv.create(key, value));
        return next.reservation;
      } catch (err) {
        if (!keyExists(err)) throw err;
      }
    }
    throw new StoreUnavailableError(`rate bucket: ${MAX_ATTEMPTS} replicas' writes to ${key} raced this one`);
  }
}
