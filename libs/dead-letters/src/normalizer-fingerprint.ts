import { SourceRegistry } from '@gateway/sources-core';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * What a dead letter's retry is keyed by: the build (its git revision) and every source it serves
 * with its payload schema. A normalizer is code, and nothing at run time says which code a
 * change touched; so every new build counts as a possible fix for every dead letter, and each
 * entry is tried once per fingerprint (DLQ_HEAL_MAX_ATTEMPTS bounds how many). An image built
 * without a revision (`unknown`) is known by its bundle instead, which holds every normalizer.
 */
export function normalizerFingerprint(revision: string, registry: SourceRegistry): string {
  const hash = createHash('sha256').update(buildOf(revision));
  for (const route of [...registry.routes].sort()) {
    hash.update(`\n${route}\n${JSON.stringify(registry.find(route)?.payloadSchema ?? null)}`);
  }
  return hash.digest('hex').slice(0, 16);
}

function buildOf(revision: string): string {
  if (revision !== 'unknown') return revision;
  try {
    return createHash('sha256').update(readFileSync(process.argv[1])).digest('hex');
  } catch {
    return revision;
  }
}
