import { Injectable } from '@nestjs/common';
import {
  derivedEventId,
  DlqEventV1,
  EventPublisher,
  NonceStore,
  normalizedEventOf,
  problem,
  RawEventV1,
  rawEventId,
  Schemas,
  StoreUnavailableError,
  Subjects,
} from '@gateway/contracts';
import { SourcePolicies } from '@gateway/security';
import { type NormalizedWebhook, publishableBody } from '@gateway/sources-core';
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

  async ingest({ webhook, result }: NormalizedWebhook): Promise<IngestReply> {
    const source = webhook.sourceId!;
    const deadline = webhook.storeDeadline;
    const lane = this.policies.priorityOf(source);
    // A secret in the body is cut out before anything is published or hashed: a hash of the body
    // with the passphrase in it would let anyone reading the stream guess the passphrase offline.
    const body = publishableBody(webhook);
    const key = idempotencyKeyOf(webhook, body);
    const eventId = rawEventId(source, key);
    const common = { corr_id: webhook.corrId, source, received_at: webhook.receivedAt.toISOString() };
    const raw: RawEventV1 = {
      schema: Schemas.raw,
      event_id: eventId,
      ...common,
      content_type: webhook.header('content-type') ?? '',
      body: body.toString('utf8'),
      idempotency_key: key,
    };
    try {
      if (result.ok) {
        const normalized = normalizedEventOf(raw, result.signal);
        const acks = await Promise.all([
          this.publisher.publish(Subjects.raw, eventId, raw, webhook.corrId, deadline, lane),
          this.publisher.publish(
            Subjects.normalized,
            normalized.event_id,
            normalized,
            webhook.corrId,
            deadline,
            lane,
          ),
        ]);
        const duplicate = acks.every((ack) => ack.duplicate);
        return { status: duplicate ? 'duplicate' : 'accepted', event_id: eventId, corr_id: webhook.corrId };
      }
      const dlq: DlqEventV1 = {
        schema: Schemas.dlq,
        raw_event_id: eventId,
        ...common,
        errors: result.errors,
      };
      await Promise.all([
        this.publisher.publish(Subjects.raw, eventId, raw, webhook.corrId, deadline, lane),
        this.publisher.publish(
          Subjects.dlq,
          derivedEventId(eventId, 'dlq'),
          dlq,
          webhook.corrId,
          deadline,
          lane,
        ),
      ]);
    } catch (err) {
      // Nothing was confirmed, so the sender will retry this very request: let its nonce pass again.
      if (err instanceof StoreUnavailableError && webhook.auth.nonce)
        void this.nonces.release(webhook.auth.nonce);
      throw err;
    }
    throw problem(
      'schema_validation_failed',
      `the payload does not match the ${webhook.adapter!.route} schema`,
      { extensions: { errors: result.errors, raw_event_id: eventId } },
    );
  }
}
