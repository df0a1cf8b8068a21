import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

// A spec that fails half-way (a start that times out, say) may never reach the code that stops
// what it spawned; those processes would outlive the run and hold jest open. With forceExit jest
// leaves anyway, and on the way out this kills whatever is left, so no server outlives its spec file.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Kills `child` when the test process exits, if it is still running then. */
export function reapOnExit<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}
