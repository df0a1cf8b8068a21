import { problem } from '@gateway/contracts';

/** Refuses a timestamp (Unix seconds) outside the replay window, either side: clocks drift both ways. */
export function assertInReplayWindow(timestamp: number, windowSec: number): void {
  if (Math.abs(Date.now() / 1000 - timestamp) > windowSec) {
    throw problem('stale_timestamp', `the timestamp is outside the replay window`);
  }
}
