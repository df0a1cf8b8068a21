/** Resolves once `condition` holds, looking every 20 ms; fails after `timeoutMs`, naming `what`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what = 'the condition',
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether a TCP connection to `url`'s port is refused: the listener is closed. */
export async function refusesConnections(url: string): Promise<boolean> {
  return fetch(url).then(
    () => false,
    (err: Error & { cause?: { code?: string } }) => err.cause?.code === 'ECONNREFUSED',
  );
}

/**
 * Resolves once `count()` has reached `atLeast` and then stayed the same for `quietMs`: what
 * arrives late (a duplicate, a second replica's copy) has had time to show. Fails after `timeoutMs`.
 */
export async function waitForQuiet(
  count: () => number,
  { atLeast, quietMs, timeoutMs = 15_000 }: { atLeast: number; quietMs: number; timeoutMs?: number },
): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = count();
  let since = Date.now();
  while (last < atLeast || Date.now() - since < quietMs) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${atLeast} and quiet`);
    await new Promise((r) => setTimeout(r, 20));
    const now = count();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}
