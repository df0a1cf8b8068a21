import { Injectable } from '@nestjs/common';
import { type NonceClaim, NonceStore, type Priority, StoreUnavailableError } from '@gateway/contracts';
import { createHash } from 'node:crypto';
import { headers, type KV } from 'nats';
import { NatsConnectionManager } from './nats-connection.manager';
import { JsErrorCode, jsErrorCode } from './nats-error-code';
import { PublishBuffer } from './publish-buffer';
import { storeErrorOf } from './store-error';
import { StreamProvisioner } from './stream.provisioner';
import { timeLeft } from './time-left';

/**
 * Nonces in a JetStream KV bucket whose TTL covers the replay window. A claim is a KV create:
 * a write that JetStream accepts only while the key has no value, atomically on the server, so
 * when two replicas race for one nonce exactly one wins. The value is the digest of the request
 * that claimed it (requestDigest), so a later claim can tell that request's redelivery from a replay.
 */
@Injectable()
export class KvNonceStore extends NonceStore {
  private readonly keyPrefix: string;
  /** The same for every claim, and only read when a publish encodes it: built once. */
  private readonly onlyIfNew = headers();

  constructor(
    private readonly connection: NatsConnectionManager,
    private readonly buffer: PublishBuffer,
    provisioner: StreamProvisioner,
  ) {
    super();
    this.keyPrefix = `$KV.${provisioner.nonceBucket}.`;
    this.onlyIfNew.set('Nats-Expected-Last-Subject-Sequence', '0');
  }

  async claim(
    nonce: string,
    digest: string,
    deadline: number,
    priority: Priority = 'normal',
  ): Promise<NonceClaim> {
    const acks = this.connection.jetStream();
    const key = keyOf(nonce);
    try {
      // The value is the claiming request's digest: what tells its redelivery from a replay.
      await this.buffer.hold(
        () => acks.publish(this.keyPrefix + key, digest, this.onlyIfNew, timeLeft(deadline)),
        priority,
      );
      return 'claimed';
    } catch (err) {
      if (!keyExists(err)) throw this.storeFailure(err);
    }
    // The key has a history: the same request again, another one, or a nonce released after a
    // 503 (a delete marker). This path is rare: one read, and a re-claim when it was released.
    const kv = this.connection.nonceBucket();
    try {
      return await this.buffer.hold(() => withinDeadline(reclaim(kv, key, digest), deadline), priority);
    } catch (err) {
      if (!keyExists(err)) throw this.storeFailure(err);
      return 'replayed';
    }
  }

  // Anything but "the key exists" is the store failing, not a replay: fail closed (503), not 401.
  private storeFailure(err: unknown): Error {
    this.connection.writeFailed(this.keyPrefix, err);
    return storeErrorOf(err, 'nonce store');
  }

  async release(nonce: string): Promise<void> {
    try {
      const kv = this.connection.nonceBucket();
      await this.buffer.hold(() => kv.delete(keyOf(nonce)));
    } catch {
      // NATS is away: the nonce stays claimed until its TTL, and the sender re-signs to retry.
    }
  }
}

/** What a nonce key's current entry says; a released one is claimed again (unless raced to it). */
async function reclaim(kv: KV, key: string, digest: string): Promise<NonceClaim> {
  const entry = await kv.get(key);
  if (entry?.operation === 'PUT') return entry.string() === digest ? 'redelivery' : 'replayed';
  await (entry ? kv.update(key, digest, entry.revision) : kv.create(key, digest));
  return 'claimed';
}

/** nats.js's KV calls take no per-call timeout: bound this one by the request's deadline. */
export function withinDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError('nonce store: no answer in time')),
      timeLeft(deadline),
    );
  });
  return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
}

export const keyExists = (err: unknown): boolean => jsErrorCode(err) === JsErrorCode.WrongLastSequence;

// Nonces are any printable ASCII; KV keys are not. A hash is a safe, fixed-length key.
const keyOf = (nonce: string): string => createHash('sha256').update(nonce).digest('base64url');
