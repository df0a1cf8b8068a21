export interface SecurityModuleOptions {
  /** HMAC secrets; a signature made with any of them is valid (rotation with overlap). */
  secrets: string[];
  /** Largest accepted |now - timestamp|, and how long a nonce is remembered. */
  replayWindowSec: number;
  /** Source ids allowed in, matched exactly and case-sensitively. */
  allowedSources: string[];
  /** Sustained requests per second per source. */
  rateLimitRps: number;
  /** Requests a source may send at once before the sustained rate applies. */
  rateLimitBurst: number;
}
