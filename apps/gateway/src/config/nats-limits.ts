import { ConfigError } from '@gateway/config';

const DURATION = /^(\d+)\s*(s|m|h|d)?$/;
const SIZE = /^(\d+)\s*(B|K|KB|KiB|M|MB|MiB|G|GB|GiB|T|TB|TiB)?$/;
const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
// As in nats-server's own configuration: K, M, G, T are powers of 1024.
const BYTES: Record<string, number> = { B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

export const DURATION_MESSAGE = 'must be a duration like 7d, 12h, 90m or 3600 (seconds); 0 means no limit';
export const SIZE_MESSAGE = 'must be a size like 1GiB, 512MiB or 1073741824 (bytes); 0 means no limit';

/** NATS_STREAM_MAX_AGE in seconds (already shape-checked by the environment class). */
export function parseDuration(variable: string, value: string): number {
  const m = DURATION.exec(value.trim());
  if (!m) throw new ConfigError(`${variable} ${DURATION_MESSAGE}`);
  return Number(m[1]) * SECONDS[m[2] ?? 's'];
}

/** NATS_STREAM_MAX_BYTES in bytes. */
export function parseSize(variable: string, value: string): number {
  const m = SIZE.exec(value.trim());
  if (!m) throw new ConfigError(`${variable} ${SIZE_MESSAGE}`);
  const bytes = Number(m[1]) * BYTES[(m[2] ?? 'B')[0]];
  if (!Number.isSafeInteger(bytes)) throw new ConfigError(`${variable} is too large`);
  return bytes;
}

export { DURATION as NATS_DURATION, SIZE as NATS_SIZE };
