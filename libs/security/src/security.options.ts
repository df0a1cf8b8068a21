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
  /** Routes authenticated by client address and body passphrase instead of HMAC. */
  tokenProfiles?: TokenProfileOptions[];
}

export interface SecurityModuleOptions extends Credentials {
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

/** A route whose sender cannot sign (CONTRACT.md 1.1b, `TRADINGVIEW_AUTH=token`). */
export interface TokenProfileOptions {
  /** The route it applies to, e.g. `tradingview`. */
  route: string;
  /** Client addresses or CIDR ranges allowed to post (after TRUST_PROXY is applied). */
  allowedAddresses: string[];
  /** Accepted passphrases, several during a rotation. */
  passphrases: string[];
  /** The top-level body field carrying the passphrase. */
  field: string;
  /** Payload fields holding the signal time, checked against the replay window (first present). */
  timeFields: string[];
}
