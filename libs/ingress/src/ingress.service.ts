import { Injectable } from '@nestjs/common';
import {
  derivedEventId,
  DlqEventV1,
  EventPublisher,
  NonceStore,
  type NormalizedWebhook,
  normalizedEventOf,
  problem,
  RawEventV1,
  rawEventId,
  Schemas,
  type Signal,
  StoreUnavailableError,
  Subjects,
  type ValidationIssue,
} from '@gateway/contracts';
import { SourcePolicies } from '@gateway/security';
import { publishableBody } from '@gateway/sources-core';
import { idempotencyKeyOf } from './idempotency-key';

export interface IngestReply {
  status: 'accepted' | 'duplicate';
  event_id: string;
  corr_id: string;
}

/**
 * Turns an authenticated, normalized webhook into stored events. It answers only after JetStream
 * acknowledged every event, so a 2xx means stored; event ids are derived from (source, key), so a
 * retry or a second replica publishes the same `Nats-Msg-Id` and the stream stores it once.
 */
@Injectable()
export class IngressService {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly nonces: NonceStore,
    private readonly policies: SourcePolicies,
  ) {}

  /** A valid payload is accepted (raw + normalized); an invalid one is dead-lettered (raw + dlq, then 422). */
  async ingest(signal: NormalizedWebhook): Promise<IngestReply> {
    const raw = rawEventOf(signal);
    try {
      return signal.result.ok
        ? await this.accept(signal, raw, signal.result.signal)
        : await this.deadLetter(signal, raw, signal.result.errors);
    } catch (err) {
      // Nothing was confirmed, so the sender will retry this very request: let its nonce pass again.
      if (err instanceof StoreUnavailableError && signal.auth.nonce)
        void this.nonces.release(signal.auth.nonce);
      throw err;
    }
  }

  /** Stores the raw and the normalized event: 202, or 200 when both were stored before. */
  private async accept(
    { webhook, sourceId }: NormalizedWebhook,
    raw: RawEventV1,
    signal: Signal,
  ): Promise<IngestReply> {
    const normalized = normalizedEventOf(raw, signal);
    const { corrId, storeDeadline } = webhook;
    const lane = this.policies.priorityOf(sourceId);
    const acks = await Promise.all([
      this.publisher.publish(Subjects.raw, raw.event_id, raw, corrId, storeDeadline, lane),
      this.publisher.publish(
        Subjects.normalized,
        normalized.event_id,
        normalized,
        corrId,
        storeDeadline,
        lane,
      ),
    ]);
    const duplicate = acks.every((ack) => ack.duplicate);
    return { status: duplicate ? 'duplicate' : 'accepted', event_id: raw.event_id, corr_id: corrId };
  }

  /** Keeps the raw event and a dead letter naming why, then refuses with 422 (nothing is lost). */
  private async deadLetter(
    { webhook, adapter, sourceId }: NormalizedWebhook,
    raw: RawEventV1,
    errors: ValidationIssue[],
  ): Promise<never> {
    const dlq: DlqEventV1 = {
      schema: Schemas.dlq,
      raw_event_id: raw.event_id,
      corr_id: raw.corr_id,
      source: raw.source,
      received_at: raw.received_at,
      errors,
    };
    const { corrId, storeDeadline } = webhook;
    const dlqId = derivedEventId(raw.event_id, 'dlq');
    const lane = this.policies.priorityOf(sourceId);
    await Promise.all([
      this.publisher.publish(Subjects.raw, raw.event_id, raw, corrId, storeDeadline, lane),
      this.publisher.publish(Subjects.dlq, dlqId, dlq, corrId, storeDeadline, lane),
    ]);
    throw problem('schema_validation_failed', `the payload does not match the ${adapter.route} schema`, {
      extensions: { errors, raw_event_id: raw.event_id },
    });
  }
}

/**
 * The request as the raw event: the body as published, with a secret in it cut out first (a hash
 * of the body with the passphrase in it would let anyone reading the stream guess it offline).
 */
function rawEventOf({ webhook, adapter, auth, sourceId }: NormalizedWebhook): RawEventV1 {
  const body = publishableBody(webhook, adapter);
  const key = idempotencyKeyOf(webhook, auth, body, adapter.idempotencyField);
  return {
    schema: Schemas.raw,
    event_id: rawEventId(sourceId, key),
    corr_id: webhook.corrId,
    source: sourceId,
    received_at: webhook.receivedAt.toISOString(),
    content_type: webhook.header('content-type') ?? '',
    body: body.toString('utf8'),
    idempotency_key: key,
  };
}
