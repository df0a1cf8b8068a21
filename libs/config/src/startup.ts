import { ConfigError } from './config-error';

/** A configuration the app can run with, or the one line it prints before exiting 1. */
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
    return { ok: false, line: `${app}: invalid configuration: ${err.message}` };
  }
}
