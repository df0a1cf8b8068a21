import { problem } from '@gateway/contracts';

/**
 * Refuses a timestamp outside the replay window, on either side (clocks drift both ways): 401
 * `stale_timestamp`. Checked once per request: at the headers, before the body is read, when the
 * scheme signs a timestamp there; for a token route, the body's signal time with the passphrase.
 * The nonce claim that follows needs no second look: nonces are kept long enough for a claim
 * made up to REQUEST_TIMEOUT_MS and the store budget after this check (load-config's nonceTtlSec).
 */
export function assertFresh(timestamp: number | undefined, windowSec: number): void {
  if (timestamp === undefined) return;
  if (Math.abs(Date.now() / 1000 - timestamp) > windowSec) {
    throw problem('stale_timestamp', 'the timestamp is outside the replay window');
  }
}
