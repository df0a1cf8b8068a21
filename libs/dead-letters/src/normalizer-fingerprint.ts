import { SourceRegistry } from '@gateway/sources-core';
import { createHash } from 'node:crypto';

/**
 * What a dead letter's retry is keyed by: the build (its git revision) and every source it serves
 * with its payload schema. A normalizer is code, and nothing at run time says which code a
 * change touched; so every new build counts as a possible fix for every dead letter, and each
 * entry is tried once per fingerprint (DLQ_HEAL_MAX_ATTEMPTS bounds how many). Without a
 * revision (`unknown`, a development build) a changed source list or payload schema still counts.
 */
export function normalizerFingerprint(revision: string, registry: SourceRegistry): string {
  const hash = createHash('sha256').update(revision);
  for (const route of [...registry.routes].sort()) {
    hash.update(`\n${route}\n${JSON.stringify(registry.find(route)?.payloadSchema ?? null)}`);
  }
  return hash.digest('hex').slice(0, 16);
}
