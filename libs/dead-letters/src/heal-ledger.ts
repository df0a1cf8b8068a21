import { JsErrorCode, jsErrorCode } from '@gateway/nats';
import type { JetStreamClient, KV } from 'nats';

/** What the ledger knows of one dead letter: the normalizer fingerprints that tried it. */
export interface HealRecord {
  tried: string[];
  /** The KV revision read (0: none), for a write that fails when another replica wrote first. */
  revision: number;
}

// Longer than any stream retention worth healing from: the raw events are gone by then.
const LEDGER_TTL_MS = 30 * 86_400_000;

/**
 * Per dead letter, the normalizer fingerprints (builds) that already tried it, in a KV bucket
 * beside the stream (`<stream>-dlq-heal`). It makes a try once per build, whichever replica
 * runs it, and bounds the tries: a durable consumer alone cannot tell a new build from a restart.
 */
export class HealLedger {
  private constructor(private readonly kv: KV) {}

  static async open(js: JetStreamClient, stream: string): Promise<HealLedger> {
    return new HealLedger(
      await js.views.kv(`${stream}-dlq-heal`, { history: 1, ttl: LEDGER_TTL_MS, allow_direct: false }),
    );
  }

  async read(key: string): Promise<HealRecord> {
    const entry = await this.kv.get(key);
    if (entry === null || entry.operation !== 'PUT') return { tried: [], revision: entry?.revision ?? 0 };
    return { tried: entry.json<{ tried: string[] }>().tried, revision: entry.revision };
  }

  /** Records the tries; false when another replica wrote this entry's record since it was read. */
  async record(key: string, tried: string[], revision: number): Promise<boolean> {
    const value = JSON.stringify({ tried });
    try {
      await (revision === 0 ? this.kv.create(key, value) : this.kv.update(key, value, revision));
      return true;
    } catch (err) {
      if (jsErrorCode(err) === JsErrorCode.WrongLastSequence) return false;
      throw err;
    }
  }

  /** A recovered entry needs no record. */
  async forget(key: string): Promise<void> {
    await this.kv.purge(key);
  }
}
