import { problem } from '@gateway/contracts';

/**
 * Refuses a timestamp outside the replay window, on either side (clocks drift both ways): 401
 * `stale_timestamp`. Checked before the body is read, and again by the ReplayGuard at the
 * nonce claim: the claim covers a timestamp only while it is inside the window, and the body may
 * have taken up to REQUEST_TIMEOUT_MS to arrive.
 */
export function assertFresh(timestamp: number | undefined, windowSec: number): void {
  if (timestamp === undefined) return;
  if (Math.abs(Date.now() / 1000 - timestamp) > windowSec) {
    throw problem('stale_timestamp', 'the timestamp is outside the replay window');
  }
}
