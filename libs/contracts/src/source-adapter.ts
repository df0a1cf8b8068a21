import type { Signal, ValidationIssue } from './events';
import type { JsonSchema } from './json-schema';
import type { WebhookContext } from './webhook-context';

export type NormalizationResult = { ok: true; signal: Signal } | { ok: false; errors: ValidationIssue[] };

/**
 * How a source's senders prove who they are (CONTRACT.md 1.1-1.1b). `hmac`: the gateway's
 * signature schemes, `X-Signature` or Standard Webhooks, with the secrets of `API_KEY_HMAC_SECRET`.
 * `token`: client address and a body passphrase, for a sender that cannot sign (TradingView).
 */
export const AUTH_PROFILES = ['hmac', 'token'] as const;

export type AuthProfile = (typeof AUTH_PROFILES)[number];

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
   * Top-level body fields that carry a secret (a TradingView passphrase): cut out of the raw event
   * before it is published or hashed, and never copied into `extra`.
   */
  readonly secretFields?: readonly string[];
  /**
   * The auth profiles it can be served with, its default first; which one a deployment uses is
   * the security configuration's choice (e.g. `TRADINGVIEW_AUTH`).
   */
  readonly auth: readonly [AuthProfile, ...AuthProfile[]];
  /**
   * JSON Schema (2020-12) of the payload, a JSON object. Checked before `normalize` runs: its
   * violations are the 422's `errors`, so `normalize` may rely on the shape it describes.
   */
  readonly payloadSchema: JsonSchema;
  /** The source the request speaks for; may read the body and throw a 400 problem. */
  sourceId(webhook: WebhookContext): string;
  /**
   * Maps a payload that passed `payloadSchema` to the canonical signal, or lists why it cannot.
   * Never throws. The DLQ replay calls it too, with the stored raw event's body.
   */
  normalize(payload: Record<string, unknown>, webhook: WebhookContext): NormalizationResult;
}
