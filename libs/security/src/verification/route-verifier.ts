import type { AuthResult, RequestHead, WebhookContext } from '@gateway/contracts';

/**
 * The verification one route is served with, prepared once at start-up from what its source
 * declares and what the deployment configures (keys, passphrases, addresses).
 */
export interface RouteVerifier {
  /** The scheme's name, as sources declare it. */
  readonly scheme: string;
  /**
   * Headers and client address only, before the body is read: throws the problem the request
   * would be refused with anyway (a missing or malformed signature header, a stale timestamp, an
   * address not allowed), so a refused sender costs no body read.
   */
  precheck(head: RequestHead, clientAddress: string | undefined): void;
  /**
   * The whole request, once `precheck` passed for it: who sent it, or the problem (401/403) that
   * refuses it. What the precheck decided is not decided again.
   */
  authenticate(webhook: WebhookContext, clientAddress: string | undefined): AuthResult;
}
