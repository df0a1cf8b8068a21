import { Injectable } from '@nestjs/common';
import { Subjects } from '@gateway/contracts';
import { JsErrorCode, jsErrorCode } from '@gateway/nats';
import { AckPolicy, DeliverPolicy, JsMsg, nanos } from 'nats';
import { DeadLetterStream } from './dead-letter-stream';

// Longer than a run: an entry the run keeps back is not offered to it again before it ends (a
// run that crashed leaves its entries to the next one after this long).
const ACK_WAIT_MS = 10 * 60_000;
const BATCH = 100;
const FETCH_WAIT_MS = 1000;

/** A durable consumer on signals.dlq (the replay's NATS_DURABLE, the healer's), created on first use. */
@Injectable()
export class DeadLetterConsumer {
  constructor(private readonly nats: DeadLetterStream) {}

  /**
   * Each entry the durable holds at the start of the run, once: those never delivered and those
   * handed back (nak'd) by earlier runs. Entries arriving meanwhile are left to the next run.
   */
  async *pending(durable: string): AsyncGenerator<JsMsg> {
    await this.ensure(durable);
    const consumer = await this.nats.js.consumers.get(this.nats.stream, durable);
    const info = await consumer.info();
    // JetStream counts nak'd entries as awaiting acknowledgement, not as pending.
    const total = info.num_pending + info.num_ack_pending;
    const seen = new Set<number>();
    while (seen.size < total) {
      // Asking for no more than there is lets the fetch return at once rather than at its expiry.
      const batch = { max_messages: Math.min(BATCH, total - seen.size), expires: FETCH_WAIT_MS };
      let delivered = 0;
      for await (const msg of await consumer.fetch(batch)) {
        delivered++;
        if (seen.has(msg.info.streamSequence)) continue;
        seen.add(msg.info.streamSequence);
        yield msg;
      }
      // The rest is held by another run on the same durable (or one that crashed): not ours.
      if (delivered === 0) return;
    }
  }

  private async ensure(durable: string): Promise<void> {
    const { stream } = this.nats;
    const existing = await this.nats.jsm.consumers.info(stream, durable).catch((err: unknown) => {
      const code = jsErrorCode(err);
      if (code === JsErrorCode.StreamNotFound)
        throw new Error(`stream ${stream} does not exist (NATS_STREAM)`);
      if (code === JsErrorCode.ConsumerNotFound) return undefined;
      throw err;
    });
    if (existing) {
      const { filter_subject: subject, ack_policy: ack } = existing.config;
      if (subject !== Subjects.dlq || ack !== AckPolicy.Explicit) {
        throw new Error(
          `consumer ${durable} on ${stream} reads ${subject ?? 'every subject'} with ack ${ack}, not ${Subjects.dlq} with explicit acks`,
        );
      }
      return;
    }
    await this.nats.jsm.consumers.add(stream, {
      durable_name: durable,
      filter_subject: Subjects.dlq,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ACK_WAIT_MS),
      // Entries kept back for a later fix are all in flight at once during a run: no cap.
      max_ack_pending: -1,
    });
  }
}

/** A dead letter's JSON document; undefined when it is not JSON (the recovery reports it). */
export function entryOf(msg: JsMsg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}
