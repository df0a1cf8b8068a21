import { DiscoveryService } from '@nestjs/core';
import type { SignedBy } from './auth-result';

/**
 * How a source's senders prove who they are, as the source declares it (`SourceAdapter.verification`,
 * its default first). Built in:
 * - `'hmac'`: the gateway's `X-Signature` scheme or Standard Webhooks, whichever headers the
 *   request carries (docs/contract.md 1.1, 1.1a), with the HMAC secrets;
 * - `'standard-webhooks'`: Standard Webhooks only;
 * - a `TokenVerification`: client address and a body passphrase, for a sender that cannot sign
 *   (docs/contract.md 1.1b).
 * Any other name is the `scheme` of a `@WebhookVerifier()` provider, e.g. a GitHub-style source's.
 */
export type VerificationSpec = string | TokenVerification;

/** A sender that cannot sign: an allowed client address, then a passphrase in the JSON body. */
export interface TokenVerification {
  readonly scheme: 'token';
  /** The top-level body field carrying the passphrase; it must be one of the source's `secretFields`. */
  readonly field: string;
  /** Payload fields holding the signal time, checked against the replay window (the first present). */
  readonly timeFields?: readonly string[];
  /** The sender's published addresses or CIDR ranges; the configuration may replace them. */
  readonly addresses: readonly string[];
}

/** The name a verification goes by in configuration (a source's `verificationVariable`) and in errors. */
export const schemeOf = (spec: VerificationSpec): string => (typeof spec === 'string' ? spec : spec.scheme);

/** What a verifier may look at before the body is read. */
export interface RequestHead {
  /** The `<route>` of `/webhooks/<route>`. */
  readonly route: string;
  /** A request header by its lower-case name (the first, when sent twice). */
  header(name: string): string | undefined;
}

/** The whole request: its head and the exact bytes of its body. */
export interface SignedRequest extends RequestHead {
  readonly body: Buffer;
}

/** What a verifier read from the headers alone. */
export interface Precheck {
  /** Unix seconds the sender signed at, when the scheme carries one: checked against the window. */
  readonly timestamp?: number;
}

/**
 * The keys that made a signature, as the key set in force saw them. Verifiers pass it on
 * untouched as `signedBy`: the allowlist holds a source to its own keys (`speaksFor`), the per-key
 * metric counts it by key id (`countFor`).
 */
export interface KeyMatch extends SignedBy {
  /** Whom each matching key speaks for: a source id, or `*` for the shared secrets; none is a 401. */
  readonly owners: readonly string[];
  /** Each matching key's id: its metric label (`gateway_webhooks_verified_total{key}`), never the key. */
  readonly keyIds: readonly string[];
}

/**
 * The gateway's HMAC secrets, lent to a verifier without showing it a key: it names what was
 * signed and the signatures offered, and learns which keys made one. Each key's MAC is computed
 * once however many signatures are offered, and compared in constant time.
 */
export interface HmacKeys {
  /** The keys under which one of `signatures` is HMAC-SHA256 of the concatenated `signed` parts. */
  sha256(signed: readonly (string | Buffer)[], signatures: readonly Buffer[]): KeyMatch;
}

/** What a verifier established about a request. */
export interface Verified extends Precheck {
  /** The keys that signed it; none is a 401 `invalid_signature`. */
  readonly signedBy: KeyMatch;
  /**
   * The replay claim: refused when claimed again within the replay window, on every replica. A
   * scheme with a delivery id uses it (with its timestamp when a retry re-signs the same id).
   */
  readonly replayKey?: string;
  /** The sender's own message id, when the scheme carries one: the default idempotency key. */
  readonly idempotencyKey?: string;
}

/**
 * A signing scheme of its own, provided by a source's module and marked `@WebhookVerifier()`;
 * sources name it by `scheme` in their `verification`. It throws a problem (`missing_signature`,
 * `invalid_signature`) for what it refuses; the gateway checks the timestamp window, the keys and
 * the replay claim. What `precheck` read from the headers is handed to `verify`, so no header is
 * parsed twice.
 */
export interface SignatureVerifier<Head extends Precheck = Precheck> {
  /** The name sources declare it by; one class per name. */
  readonly scheme: string;
  /** Headers only, before the body is read: refuse missing or malformed signature headers. */
  precheck(head: RequestHead): Head;
  /** The whole request, with what `precheck` read: which keys signed it, its replay and idempotency keys. */
  verify(request: SignedRequest, keys: HmacKeys, head: Head): Verified;
}

/** Marks a provider as a SignatureVerifier; the security library collects every one at start-up. */
export const WebhookVerifier = DiscoveryService.createDecorator<void>();
