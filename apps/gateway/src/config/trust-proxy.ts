import { isIP } from 'node:net';
import { ConfigError } from './config-error';

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const CIDR_OR_MASK = /^(.+)\/(\d{1,3}|[\d.]+)$/;

function isProxyEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const range = CIDR_OR_MASK.exec(entry);
  const family = isIP(range ? range[1] : entry);
  if (family === 0 || !range) return family !== 0;
  const [, , bits] = range;
  return /^\d+$/.test(bits) ? Number(bits) <= (family === 4 ? 32 : 128) : isIP(bits) === 4;
}

/**
 * Express `trust proxy` from TRUST_PROXY: a hop count, `true`/`false`, or a comma-separated list
 * of `loopback`/`linklocal`/`uniquelocal`, addresses and CIDR ranges. Checked here, because Express
 * would only throw on a bad entry once the app is built, with a stack instead of one line.
 */
export function trustProxy(value: string | undefined): string | number | boolean | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  const entries = value.split(',').map((s) => s.trim());
  const bad = entries.find((entry) => !isProxyEntry(entry));
  if (bad !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY "${bad}" is not a hop count, loopback/linklocal/uniquelocal, an address or a CIDR`,
    );
  }
  return entries.join(',');
}
