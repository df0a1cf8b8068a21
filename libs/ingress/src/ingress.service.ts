import { Injectable } from '@nestjs/common';
import {
  derivedEventId,
  DlqEventV1,
  EventPublisher,
  type GatewayEvent,
  type NormalizationResult,
  normalizedEventOf,
  NotStoredError,
  problem,
  RawEventV1,
  rawBodyFields,
  rawEventId,
  Schemas,
  type Signal,
  type Subject,
  Subjects,
  type ValidationIssue,
} from '@gateway/contracts';
import { SourcePolicies } from '@gateway/security';
import { publishableBody } from '@gateway/sources-core';
import type { NormalizedWebhook } from '@gateway/webhook';
import { createHash } from 'node:crypto';
import { dedupeKeyOf } from './dedupe-key';
import { idempotencyKeyOf } from './idempotency-key';
import { SignalFreshness } from './signal-freshness';

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
    private readonly policies: SourcePolicies,
    private readonly freshness: SignalFreshness,
  ) {}

  /** A valid payload is accepted (raw + normalized); an invalid one is dead-lettered (raw + dlq, then 422). */
  async ingest(signal: NormalizedWebhook): Promise<IngestReply> {
    const { raw, fingerprint } = rawEventOf(signal, this.policies.of(signal.sourceId).dedupe);
    const stale = signal.result.ok
      ? this.freshness.staleness(signal.sourceId, signal.result.signal, signal.webhook.receivedAt)
      : undefined;
    const result: NormalizationResult = stale ? { ok: false, errors: [stale] } : signal.result;
    const partner = result.ok ? this.normalizedOf(raw, result.signal) : this.deadLetterOf(raw, result.errors);
    const duplicate = await this.store(signal, raw, fingerprint, partner);
    if (!result.ok) throw refusal(signal, raw, result.errors, stale !== undefined);
    return { status: duplicate ? 'duplicate' : 'accepted', event_id: raw.event_id, corr_id: raw.corr_id };
  }

  /**
   * Stores the raw event, then its partner (normalized or dead letter); true when both were
   * stored before. Both are serialised and size-checked before either is sent, so a 413 stores
   * nothing. The raw event goes first and carries the body's fingerprint:
   * when its id (the idempotency key's) is already stored, the stored one's fingerprint says
   * whether this is the same body (a retry: its partner is sent, normally a duplicate too) or
   * another body under a reused key (422, and no partner is sent).
   */
  private async store(
    { webhook, sourceId, adapter, redelivery }: NormalizedWebhook,
    raw: RawEventV1,
    fingerprint: string | undefined,
    [subject, msgId, event]: Partner,
  ): Promise<boolean> {
    const { corrId, storeDeadline, traceparent } = webhook;
    // A source whose events no trading consumer may act on (the canary) names its own subject.
    const own = adapter.eventSubject;
    // A redelivery may only find its first delivery's raw event: it never stores one of its own.
    const rawOut = this.publisher.prepare(
      own ?? Subjects.raw,
      raw.event_id,
      raw,
      corrId,
      fingerprint,
      redelivery,
      traceparent,
    );
    const partnerOut = this.publisher.prepare(
      own ?? subject,
      msgId,
      event,
      corrId,
      undefined,
      false,
      traceparent,
    );
    const lane = this.policies.priorityOf(sourceId);
    const rawAck = await this.publisher.send(rawOut, storeDeadline, lane).catch(replayIfNotStored);
    // Events stored before fingerprints existed carry none: taken as the same body, as before.
    if (
      rawAck.duplicate &&
      rawAck.storedFingerprint !== undefined &&
      rawAck.storedFingerprint !== fingerprint
    ) {
      throw problem(
        'idempotency_key_reused',
        'this idempotency key was first used with a different body; a new signal needs a new key',
      );
    }
    const partnerAck = await this.publisher.send(partnerOut, storeDeadline, lane);
    return rawAck.duplicate && partnerAck.duplicate;
  }

  private normalizedOf(raw: RawEventV1, signal: Signal): Partner {
    const normalized = normalizedEventOf(raw, signal);
    return [Subjects.normalized, normalized.event_id, normalized];
  }

  /** The dead letter of a payload its source's schema refused: the raw event is kept for review. */
  private deadLetterOf(raw: RawEventV1, errors: ValidationIssue[]): Partner {
    const dlq: DlqEventV1 = {
      schema: Schemas.dlq,
      raw_event_id: raw.event_id,
      corr_id: raw.corr_id,
      source: raw.source,
      received_at: raw.received_at,
      errors,
    };
    return [Subjects.dlq, derivedEventId(raw.event_id, 'dlq'), dlq];
  }
}

/**
 * A redelivery whose first delivery stored nothing (refused, or answered 503 with its nonce kept)
 * is what it was before redeliveries were recognised: a replayed nonce.
 */
function replayIfNotStored(err: unknown): never {
  if (err instanceof NotStoredError) {
    throw problem('replayed_nonce', 'this nonce was already used, by a request that stored nothing');
  }
  throw err;
}

/** The event published beside the raw event, with its subject and message id. */
type Partner = [subject: Subject, msgId: string, event: GatewayEvent];

/**
 * The 422 of a dead-lettered payload, once its raw event and dead letter are stored (nothing is
 * lost): its source's schema refused it, or (`stale`) its signal is older than the source takes.
 */
function refusal({ adapter }: NormalizedWebhook, raw: RawEventV1, errors: ValidationIssue[], stale: boolean) {
  const extensions = { errors, raw_event_id: raw.event_id };
  return stale
    ? problem('signal_stale', 'the signal is older than this source takes (its max_age)', { extensions })
    : problem('schema_validation_failed', `the payload does not match the ${adapter.route} schema`, {
        extensions,
      });
}

/**
 * The request as the raw event: the body as published, with a secret in it cut out first (a hash
 * of the body with the passphrase in it would let anyone reading the stream guess it offline),
 * and that body's fingerprint (SHA-256), which is also the idempotency key when nothing else is.
 */
function rawEventOf(
  { webhook, adapter, auth, sourceId }: NormalizedWebhook,
  dedupe: readonly string[] | undefined,
): { raw: RawEventV1; fingerprint?: string } {
  const body = publishableBody(webhook, adapter);
  const bodySha256 = createHash('sha256').update(body).digest('hex');
  const fieldsKey = dedupeKeyOf(webhook, dedupe);
  const key = idempotencyKeyOf(webhook, auth, bodySha256, adapter.idempotencyField, fieldsKey);
  const raw: RawEventV1 = {
    schema: Schemas.raw,
    event_id: rawEventId(sourceId, key),
    corr_id: webhook.corrId,
    source: sourceId,
    received_at: webhook.receivedAt.toISOString(),
    content_type: webhook.header('content-type') ?? '',
    ...rawBodyFields(body),
    idempotency_key: key,
  };
  // A key made of the dedupe fields names the signal, not the bytes: its repeat may differ in
  // any other field and is still a duplicate, so no body fingerprint is compared for it.
  return { raw, fingerprint: key === fieldsKey ? undefined : bodySha256 };
}
