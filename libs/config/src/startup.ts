import { ConfigError } from './config-error';

/** A configuration the app can run with, or what it prints before exiting 1 (a line per mistake). */
export type StartupConfig<T> = { ok: true; config: T } | { ok: false; line: string };

/**
 * The start of every app: `load` validates the environment; a ConfigError becomes the one line
 * `<app>: invalid configuration: <what>` for main.ts to print before it exits (a library never
 * exits). Any other error is a bug and is thrown as it is.
 */
export function loadAtStartup<T>(app: string, load: () => T): StartupConfig<T> {
  try {
    return { ok: true, config: load() };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // A ConfigError may name several mistakes (the source policy reports all of its own), one a line.
    const lines = err.message.split('\n').map((what) => `${app}: invalid configuration: ${what}`);
    return { ok: false, line: lines.join('\n') };
  }
}
