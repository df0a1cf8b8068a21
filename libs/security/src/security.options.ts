import type { SourcePolicyOptions } from './policy/source-policy';

/** An HMAC secret and the id its metric label uses instead of it. */
export interface SigningSecret {
  readonly id: string;
  readonly secret: string;
}

/** The credentials a reload may replace while the gateway runs (KeyRing.replace). */
export interface Credentials {
  /** Shared HMAC secrets; a signature made with any of them is valid (rotation with overlap). */
  secrets: readonly SigningSecret[];
  /**
   * Sources with their own HMAC secrets: such a source is accepted only with one of its own,
   * never with a shared secret or another source's (and its own sign for no other source).
   */
  sourceSecrets?: Readonly<Record<string, readonly SigningSecret[]>>;
  /** The secrets of routes served by a token verification (client address and body passphrase). */
  tokenProfiles?: TokenProfileOptions[];
}

export interface SecurityModuleOptions extends Credentials {
  /**
   * Per route, which of its source's declared verifications serves it when not the first one
   * (`{ '<route>': 'token' }` when the variable the source declares for the choice says `token`);
   * a scheme the source does not declare stops the start.
   */
  verification?: Readonly<Record<string, string>>;
  /** Largest accepted |now - timestamp|, and how long a nonce is remembered. */
  replayWindowSec: number;
  /** Source ids allowed in, matched exactly and case-sensitively. */
  allowedSources: string[];
  /** Each allowed source's rate, burst, wait, in-flight cap and lane. */
  policy: SourcePolicyOptions;
  /**
   * Of a webhook's store budget, what its publishes keep (NATS_PUBLISH_TIMEOUT_MS): a request
   * waits for a rate token only as long as the rest allows.
   */
  publishReserveMs: number;
}

/**
 * The secrets of a route served by its source's token verification (docs/contract.md 1.1b): the
 * body field and time fields are the source's, declared in code.
 */
export interface TokenProfileOptions {
  /** The route it applies to, e.g. `acme-bot`. */
  route: string;
  /** Accepted passphrases, several during a rotation. */
  passphrases: string[];
  /** Client addresses or CIDR ranges allowed to post, replacing the ones the source declares. */
  allowedAddresses?: string[];
}
