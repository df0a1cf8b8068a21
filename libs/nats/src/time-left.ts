import { StoreUnavailableError } from '@gateway/contracts';

/**
 * Milliseconds until `deadline` (epoch ms). A request whose time is up fails closed now rather
 * than start a wait whose answer would arrive after the sender gave up.
 */
export function timeLeft(deadline: number): number {
  const left = deadline - Date.now();
  if (left <= 0) throw new StoreUnavailableError('no time left to wait for JetStream');
  return left;
}
