import type { Signal, ValidationIssue } from './events';
import type { WebhookContext } from './webhook-context';

export type NormalizationResult = { ok: true; signal: Signal } | { ok: false; errors: ValidationIssue[] };

/**
 * One source of signals, served at `POST /webhooks/<route>`. A source is a Nest provider marked
 * with `@WebhookSource()`; the registry finds it at start-up, so adding one changes no core file.
 */
export interface SourceAdapter {
  /** The path segment of its route, and its source id unless `sourceId` says otherwise. */
  readonly route: string;
  /** Media types (without parameters) the source accepts; anything else is a 415. */
  readonly contentTypes: readonly string[];
  /**
   * Top-level body fields that carry a secret (a TradingView passphrase): cut out of the raw event
   * before it is published or hashed, and never copied into `extra`.
   */
  readonly secretFields?: readonly string[];
  /** The source the request speaks for; may read the body and throw a 400 problem. */
  sourceId(webhook: WebhookContext): string;
  /** Maps the payload to the canonical signal, or lists why it cannot. Never throws. */
  normalize(webhook: WebhookContext): NormalizationResult;
}
