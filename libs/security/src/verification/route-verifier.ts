import type { RequestHead } from '@gateway/contracts';
import type { PresentedCredentials } from '@gateway/webhook';

/**
 * The verification one route is served with, prepared from what its source declares and what the
 * deployment configures (keys, passphrases, addresses).
 */
export interface RouteVerifier {
  /** The scheme's name, as sources declare it. */
  readonly scheme: string;
  /**
   * Headers and client address only, before the body is read: throws the problem the request
   * would be refused with anyway (a missing or malformed signature header, a timestamp outside
   * the replay window, an address not allowed), so a refused sender costs no body read. Returns
   * what it read, which checks the body once it is in, with the keys of this moment.
   */
  precheck(head: RequestHead, clientAddress: string | undefined): PresentedCredentials;
}
