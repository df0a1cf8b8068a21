import type { IncomingMessage } from 'node:http';

/** What the management port serves, and the public port then does not. */
const MANAGEMENT_PATHS: ReadonlySet<string> = new Set(['/metrics', '/healthz', '/readyz']);

const ON_MANAGEMENT_PORT = Symbol('arrived on the management port');

/** Marks a request as received by the management listener. */
export function markManagement(req: IncomingMessage): void {
  (req as IncomingMessage & { [ON_MANAGEMENT_PORT]?: true })[ON_MANAGEMENT_PORT] = true;
}

export function arrivedOnManagementPort(req: IncomingMessage): boolean {
  return (req as IncomingMessage & { [ON_MANAGEMENT_PORT]?: true })[ON_MANAGEMENT_PORT] === true;
}

/**
 * Express routes case-insensitively and ignores a trailing slash (`/METRICS/` reaches /metrics),
 * so the path is compared the same way.
 */
export function isManagementPath(path: string): boolean {
  return MANAGEMENT_PATHS.has(path.toLowerCase().replace(/\/+$/, ''));
}
