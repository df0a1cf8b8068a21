import { problem } from '@gateway/contracts';

/**
 * Refuses a timestamp outside the replay window, on either side (clocks drift both ways): 401
 * `stale_timestamp`. Checked once per request, when its body is in and just before its signature
 * is: a nonce is claimed right after and kept for twice the window, so every replay the window
 * still lets in finds it claimed. (Checked at the headers instead, a body trickled in for
 * REQUEST_TIMEOUT_MS could reach the claim after a future-dated nonce expired.)
 */
export function assertFresh(timestamp: number | undefined, windowSec: number): void {
  if (timestamp === undefined) return;
  if (Math.abs(Date.now() / 1000 - timestamp) > windowSec) {
    throw problem('stale_timestamp', 'the timestamp is outside the replay window');
  }
}
