import { Injectable } from '@nestjs/common';
import { isPlainObject, Subjects } from '@gateway/contracts';
import { jsonOrUndefined } from '@gateway/nats';
import { DeliverPolicy, type Consumer } from 'nats';
import { DeadLetterStream } from './dead-letter-stream';

// The gateway publishes the raw event and its DLQ entry together, so the raw one is stored
// moments before (or, rarely, after) the entry. Only a sender's retry after a failed DLQ publish
// leaves it further back; then the whole subject is searched.
const LOOKBACK_MS = 60_000;
const LOOKAHEAD_MS = 10_000;
const BATCH = 256;
const FETCH_WAIT_MS = 1000;

/**
 * Finds a signals.raw event by its id. JetStream looks messages up by sequence, not by id, so it
 * reads signals.raw from shortly before the DLQ entry was stored, with an ephemeral ordered
 * consumer that the server filters to that subject.
 */
@Injectable()
export class RawEventFinder {
  constructor(private readonly nats: DeadLetterStream) {}

  /** The raw event `eventId` whose DLQ entry was stored at `entryStoredAt`; undefined when it is gone. */
  async find(eventId: string, entryStoredAt: Date): Promise<unknown> {
    const until = entryStoredAt.getTime() + LOOKAHEAD_MS;
    const near = await this.scan(eventId, until, new Date(entryStoredAt.getTime() - LOOKBACK_MS));
    return near ?? (await this.scan(eventId, until));
  }

  private async scan(eventId: string, until: number, from?: Date): Promise<unknown> {
    // Without a start time, an ordered consumer starts at the stream's first message.
    const consumer = await this.nats.js.consumers.get(this.nats.stream, {
      filterSubjects: Subjects.raw,
      ...(from && { deliver_policy: DeliverPolicy.StartTime, opt_start_time: from.toISOString() }),
    });
    try {
      return await this.read(consumer, eventId, until);
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  }

  private async read(consumer: Consumer, eventId: string, until: number): Promise<unknown> {
    for (;;) {
      const batch = await consumer.fetch({ max_messages: BATCH, expires: FETCH_WAIT_MS });
      let [delivered, found, done] = [0, undefined as unknown, false];
      for await (const msg of batch) {
        delivered++;
        const event = jsonOrUndefined(msg.data);
        if (isPlainObject(event) && event.event_id === eventId) found = event;
        // Found, past the time the raw event can have been stored, or at the end of the subject.
        done = found !== undefined || msg.info.timestampNanos / 1e6 > until || msg.info.pending === 0;
        if (done) break;
      }
      if (done) await batch.close();
      if (done || delivered === 0) return found;
    }
  }
}
