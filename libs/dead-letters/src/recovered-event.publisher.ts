import { NormalizedEventV1, Subjects } from '@gateway/contracts';
import { eventHeaders } from '@gateway/nats';
import type { JetStreamClient } from 'nats';

/**
 * Publishes a recovered dead letter's normalized event with the id and headers a 202 would have
 * given it; `duplicate` when the stream already held it (an earlier run, the sender's retry).
 */
export async function publishRecovered(
  js: JetStreamClient,
  event: NormalizedEventV1,
  timeoutMs: number,
): Promise<{ duplicate: boolean }> {
  const ack = await js.publish(Subjects.normalized, JSON.stringify(event), {
    msgID: event.event_id,
    headers: eventHeaders(event, event.corr_id),
    timeout: timeoutMs,
  });
  return { duplicate: ack.duplicate };
}
