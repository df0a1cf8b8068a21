import { DiscoveryService } from '@nestjs/core';
import type { Signal, ValidationIssue } from './events';
import type { JsonSchema } from './json-schema';
import type { PublishSubject } from './subjects';
import type { VerificationSpec } from './verification';
import type { WebhookRequest } from './webhook-request';

export type NormalizationResult = { ok: true; signal: Signal } | { ok: false; errors: ValidationIssue[] };

/**
 * One source of signals, served at `POST /webhooks/<route>`: a Nest provider marked with
 * `@WebhookSource()` in its own module under `libs/sources/<id>`. The registry finds it at
 * start-up, so adding a source changes no core file (docs/adding-a-source.md).
 */
export interface SourceAdapter {
  /** The path segment of its route, and its source id unless `sourceId` says otherwise. */
  readonly route: string;
  /** Media types (without parameters) the source accepts; anything else is a 415. */
  readonly contentTypes: readonly string[];
  /**
   * Top-level body fields that carry a secret (a token verification's passphrase): cut out of the raw event
   * before it is published or hashed, and never copied into `extra`.
   */
  readonly secretFields?: readonly string[];
  /**
   * How its senders prove who they are (verification.ts), its default first; a deployment may
   * pick another one it lists, through the variable the source declares for it
   * (`SourceSettings.verificationVariable`). The security library applies it.
   */
  readonly verification: readonly [VerificationSpec, ...VerificationSpec[]];
  /**
   * The top-level payload field carrying the sender's own message id, the idempotency key when no
   * `Idempotency-Key` header (or scheme id) is sent. Absent: `id`. `null`: deliberately none, so
   * the key is the body's hash and the same content within IDEMPOTENCY_TTL_SEC is one event.
   */
  readonly idempotencyField?: string | null;
  /**
   * JSON Schema (2020-12) of the payload, a JSON object. Checked before `normalize` runs: its
   * violations are the 422's `errors`, so `normalize` may rely on the shape it describes.
   */
  readonly payloadSchema: JsonSchema;
  /**
   * Where every event of this source goes, raw, normalized and dead letter alike, instead of
   * their usual subjects: for a source whose events no trading consumer may act on (the canary).
   */
  readonly eventSubject?: PublishSubject;
  /** The source the request speaks for; may read the body and throw a 400 problem. */
  sourceId(webhook: WebhookRequest): string;
  /**
   * Maps a payload that passed `payloadSchema` to the canonical signal, or lists why it cannot.
   * Never throws. The DLQ replay calls it too, with the stored raw event's body.
   */
  normalize(payload: Record<string, unknown>, webhook: WebhookRequest): NormalizationResult;
}

/**
 * Every source the application serves, found once at start-up (the sources library's
 * SourceRegistry provides it): the one list of sources, which other libraries read rather than
 * discover sources again.
 */
export abstract class ServedSources {
  /** Each served source, once; filled when the application's modules are initialised. */
  abstract all(): readonly SourceAdapter[];
}

/** Marks a provider as a SourceAdapter; the registry (and the verifiers) collect every one at start-up. */
export const WebhookSource = DiscoveryService.createDecorator<void>();
