import { Injectable } from '@nestjs/common';
import { NonceStore, StoreUnavailableError } from '@gateway/contracts';
import { createHash } from 'node:crypto';
import { Empty } from 'nats';
import { NatsConnectionManager } from './nats-connection.manager';
import { PublishBuffer } from './publish-buffer';

const WRONG_LAST_SEQUENCE = 10071;

/**
 * Nonces in a JetStream KV bucket whose TTL covers the replay window. `create` is atomic on the
 * server, so when two replicas race for one nonce exactly one wins.
 */
@Injectable()
export class KvNonceStore extends NonceStore {
  constructor(
    private readonly connection: NatsConnectionManager,
    private readonly buffer: PublishBuffer,
  ) {
    super();
  }

  async claim(nonce: string): Promise<boolean> {
    const kv = this.connection.nonceBucket();
    try {
      await this.buffer.hold(() => kv.create(keyOf(nonce), Empty));
      return true;
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      if ((err as { api_error?: { err_code?: number } }).api_error?.err_code === WRONG_LAST_SEQUENCE)
        return false;
      // Anything else is the store failing, not a replay: the request must fail closed, not 401.
      throw new StoreUnavailableError(`nonce store: ${(err as Error).message}`);
    }
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

// Nonces are any printable ASCII; KV keys are not. A hash is a safe, fixed-length key.
const keyOf = (nonce: string): string => createHash('sha256').update(nonce).digest('base64url');
