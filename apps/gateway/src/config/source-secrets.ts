import { isSourceId } from '@gateway/contracts';
import { ConfigError } from './config-error';

/**
 * `SOURCE_HMAC_SECRETS`: `<source>:<secret>[,<secret>...]`, entries separated by `;`, e.g.
 * `acme-bot:k1,k2;other-bot:whsec_...`. A secret may contain `:` (only the first one separates)
 * but not `,` or `;`. Every source named must be allowed, and named once.
 */
export function parseSourceSecrets(
  value: string | undefined,
  allowed: readonly string[],
): Record<string, string[]> {
  const secrets: Record<string, string[]> = {};
  for (const entry of (value ?? '').split(';')) {
    if (!entry.trim()) continue;
    const colon = entry.indexOf(':');
    const source = entry.slice(0, Math.max(colon, 0)).trim();
    const list = entry
      .slice(colon + 1)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (colon === -1 || !isSourceId(source) || list.length === 0) {
      throw new ConfigError(
        'SOURCE_HMAC_SECRETS must be <source>:<secret>[,<secret>] entries separated by ";"',
      );
    }
    if (Object.hasOwn(secrets, source)) throw new ConfigError(`SOURCE_HMAC_SECRETS names ${source} twice`);
    if (!allowed.includes(source)) {
      throw new ConfigError(`SOURCE_HMAC_SECRETS names ${source}, which is not in ALLOWED_SOURCES`);
    }
    secrets[source] = list;
  }
  return secrets;
}
