import { derivedEventId } from './event-id';
import { NormalizedEventV1, RawEventV1, Schemas, Signal } from './events';

/**
 * The normalized event of a raw event: what the gateway publishes with a 202, and what the DLQ
 * replay publishes when a fixed normalizer recovers a dead letter. Its id derives from the raw
 * event's, so both publish the same `Nats-Msg-Id` and JetStream stores it once.
 */
export function normalizedEventOf(
  raw: Pick<RawEventV1, 'event_id' | 'corr_id' | 'source' | 'received_at'>,
  signal: Signal,
): NormalizedEventV1 {
  return {
    schema: Schemas.normalized,
    event_id: derivedEventId(raw.event_id, 'normalized'),
    raw_event_id: raw.event_id,
    corr_id: raw.corr_id,
    source: raw.source,
    received_at: raw.received_at,
    ...signal,
  };
}
