import { Injectable } from '@nestjs/common';
import {
  DlqEventV1,
  isStaleSignalIssue,
  NormalizedEventV1,
  normalizedEventOf,
  rawBodyBytes,
  RawEventV1,
  Subjects,
  ValidationIssue,
} from '@gateway/contracts';
import { EventValidator } from '@gateway/json-schema';
import { WebhookContext } from '@gateway/webhook';
import { SourceNormalizer, SourceRegistry } from '@gateway/sources-core';
import { RawEventFinder } from './raw-event.finder';

/** Why a dead letter stays dead. */
export type UnrecoverableReason =
  | 'invalid_entry' // the DLQ entry does not match signals.dlq of the pinned version
  | 'raw_event_missing' // its raw event is no longer in the stream (retention)
  | 'invalid_raw_event' // the raw event does not match signals.raw of the pinned version
  | 'unknown_source' // no source of this build speaks for it any more
  | 'signal_stale' // refused for its age at receipt: time never makes it fresh again
  | 'still_invalid' // the current normalizers still refuse the payload
  | 'invalid_result'; // the normalizer's signal does not match signals.normalized: a normalizer bug

export type Recovery =
  | { ok: true; entry: DlqEventV1; event: NormalizedEventV1 }
  | { ok: false; entry?: DlqEventV1; reason: UnrecoverableReason; errors: ValidationIssue[] };

/**
 * Re-runs a dead letter's payload through the current normalizers: the stored raw event goes
 * through the same steps as a webhook (JSON object, the source's payload schema, its normalizer),
 * and a success becomes the normalized event the gateway would have published, with its id.
 */
@Injectable()
export class DeadLetterRecovery {
  constructor(
    private readonly schemas: EventValidator,
    private readonly rawEvents: RawEventFinder,
    private readonly registry: SourceRegistry,
    private readonly normalizer: SourceNormalizer,
  ) {}

  async recover(data: unknown, storedAt: Date): Promise<Recovery> {
    const entryCheck = this.schemas.check(Subjects.dlq, data);
    if (!entryCheck.ok) return { ok: false, reason: 'invalid_entry', errors: entryCheck.errors };
    const entry = data as DlqEventV1;
    const fail = (reason: UnrecoverableReason, errors: ValidationIssue[] = []): Recovery => ({
      ok: false,
      entry,
      reason,
      errors,
    });

    // Its payload was fine, its moment had passed: publishing it now would be later still.
    if (entry.errors.some(isStaleSignalIssue)) return fail('signal_stale', entry.errors);
    const found = await this.rawEvents.find(entry.raw_event_id, storedAt);
    if (found === undefined) return fail('raw_event_missing');
    const rawCheck = this.schemas.check(Subjects.raw, found);
    if (!rawCheck.ok) return fail('invalid_raw_event', rawCheck.errors);
    const raw = found as RawEventV1;

    const adapter = this.registry.speakingFor(raw.source, webhookOf(raw, raw.source));
    if (!adapter) return fail('unknown_source');
    const result = this.normalizer.normalize(adapter, webhookOf(raw, adapter.route));
    if (!result.ok) return fail('still_invalid', result.errors);

    const event = normalizedEventOf(raw, result.signal);
    const eventCheck = this.schemas.check(Subjects.normalized, event);
    if (!eventCheck.ok) return fail('invalid_result', eventCheck.errors);
    return { ok: true, entry, event };
  }
}

/** The stored request as the webhook it was, for the source's normalizer. */
function webhookOf(raw: RawEventV1, route: string): WebhookContext {
  const webhook = new WebhookContext(
    route,
    raw.corr_id,
    { 'content-type': raw.content_type },
    new Date(raw.received_at),
  );
  webhook.body = rawBodyBytes(raw);
  return webhook;
}
