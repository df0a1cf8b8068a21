import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  [field: string]: unknown;
}
export interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * deploy/prometheus/alerts.yml with every `for:` divided by `factor` (5m / 20 = 15s) and nothing
 * else changed: the expressions, windows and thresholds are the shipped ones. Only the waits are
 * shortened, so a spec can see each alert through its pending state within minutes.
 */
export function shippedRulesWithShorterFor(root: string, factor: number): RuleFile {
  const file = parse(readFileSync(join(root, 'deploy/prometheus/alerts.yml'), 'utf8')) as RuleFile;
  for (const rule of file.groups.flatMap((g) => g.rules)) {
    if (rule.for === undefined) continue;
    const m = /^(\d+)([smhd])$/.exec(rule.for);
    if (!m) throw new Error(`unexpected for: ${rule.for} in ${rule.alert}`);
    rule.for = `${Math.max(1, Math.round((Number(m[1]) * UNITS[m[2]]) / factor))}s`;
  }
  return file;
}
