import { PRIORITIES } from '@gateway/contracts';
import { STORE_BUDGET_MS } from '@gateway/webhook';
import {
  RATE_SCOPES,
  REDELIVERY_ANSWERS,
  type SourcePolicy,
  type SourcePolicyOptions,
} from '@gateway/security';
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';

/** A source that sets its rate but not its burst may send ten seconds of that rate at once. */
const BURST_SECONDS = 10;
/** The entry of SOURCE_POLICY / the policy file's key that sets the defaults of every source. */
const EVERY_SOURCE = '*';

/** What the variables outside the policy give: the defaults, the allowlist and the time budget. */
export interface PolicyInputs {
  rate: number;
  /** RATE_LIMIT_BURST when set. */
  burst?: number;
  /** RATE_LIMIT_MAX_WAIT_MS when set. */
  maxWaitMs?: number;
  inFlight: number;
  allowedSources: readonly string[];
  publishTimeoutMs: number;
  /** SOURCE_POLICY */
  compact?: string;
  /** SOURCE_POLICY_FILE */
  file?: string;
}

/** One source's settings as written, before defaults: what SOURCE_POLICY or the file may set. */
type Settings = Partial<SourcePolicy>;

/** The setting names operators write, and how each is checked. */
const FIELDS: Record<string, (value: unknown, maxWaitLimit: number) => [keyof Settings, unknown] | string> = {
  rate: (v) => number(v, 0.01, 100_000, false) ?? ['rate', Number(v)],
  burst: (v) => number(v, 1, 1_000_000, true) ?? ['burst', Number(v)],
  max_wait_ms: (v, limit) => number(v, 0, limit, true) ?? ['maxWaitMs', Number(v)],
  in_flight: (v) => number(v, 1, 1_000_000, true) ?? ['inFlight', Number(v)],
  priority: (v) => (oneOf(v, PRIORITIES) ? ['priority', v] : `must be one of ${PRIORITIES.join(', ')}`),
  scope: (v) => (oneOf(v, RATE_SCOPES) ? ['scope', v] : `must be one of ${RATE_SCOPES.join(', ')}`),
  dedupe: (v) => {
    const names = fieldNames(v);
    return names ? ['dedupe', names] : DEDUPE_SHAPE;
  },
  max_age: (v) => number(v, 1, MAX_AGE_LIMIT_SEC, true) ?? ['maxAgeSec', Number(v)],
  redelivery: (v) =>
    oneOf(v, REDELIVERY_ANSWERS) ? ['redelivery', v] : `must be one of ${REDELIVERY_ANSWERS.join(', ')}`,
};

/** A week: older signals are not "late", they are history. */
const MAX_AGE_LIMIT_SEC = 604_800;
const FIELD_NAME = /^[^\s|]{1,64}$/;
const DEDUPE_SHAPE =
  'must list 1-16 distinct payload field names (a JSON array in the file, name|name|... in SOURCE_POLICY)';

/** `dedupe`: a JSON array of names, or in SOURCE_POLICY `strategy|ticker|action|time`. */
function fieldNames(value: unknown): string[] | undefined {
  const names = typeof value === 'string' ? value.split('|').map((n) => n.trim()) : value;
  if (!Array.isArray(names) || names.length < 1 || names.length > 16) return undefined;
  if (!names.every((n): n is string => typeof n === 'string' && FIELD_NAME.test(n))) return undefined;
  return new Set(names).size === names.length ? names : undefined;
}

/**
 * Every allowed source's policy (docs/contract.md 6.4): the defaults from RATE_LIMIT_RPS,
 * RATE_LIMIT_BURST, RATE_LIMIT_MAX_WAIT_MS and SOURCE_IN_FLIGHT_MAX, overridden per source by
 * SOURCE_POLICY (`<source>:<key>=<value>,...;...`) or the JSON file SOURCE_POLICY_FILE. Every
 * mistake is reported, one line each, in one ConfigError.
 */
export function loadSourcePolicy(inputs: PolicyInputs): SourcePolicyOptions {
  const errors: string[] = [];
  // A wait longer than this leaves the publishes less than their timeout of the store budget.
  const maxWaitLimit = Math.max(0, STORE_BUDGET_MS - inputs.publishTimeoutMs);
  const raw = rawEntries(inputs, errors);
  const settings = new Map<string, Settings>();
  for (const [where, source, fields] of raw) {
    if (source !== EVERY_SOURCE && !inputs.allowedSources.includes(source)) {
      errors.push(`${where} names ${source}, which is not in ALLOWED_SOURCES`);
      continue;
    }
    if (settings.has(source)) {
      errors.push(`${where} names ${source} twice`);
      continue;
    }
    settings.set(source, checked(where, source, fields, maxWaitLimit, errors));
  }
  if (inputs.maxWaitMs !== undefined && inputs.maxWaitMs > maxWaitLimit) {
    errors.push(`RATE_LIMIT_MAX_WAIT_MS ${waitTooLong(maxWaitLimit)}`);
  }
  if (errors.length > 0) {
    throw new ConfigError(
      errors.join('\n'),
      inputs.file === undefined ? 'SOURCE_POLICY' : 'SOURCE_POLICY_FILE',
    );
  }

  const base: SourcePolicy = {
    rate: inputs.rate,
    burst: inputs.burst ?? burstOf(inputs.rate),
    maxWaitMs: inputs.maxWaitMs ?? maxWaitLimit,
    inFlight: inputs.inFlight,
    priority: 'normal',
    scope: 'replica',
  };
  const defaults = merge(base, settings.get(EVERY_SOURCE) ?? {});
  const sources = Object.fromEntries(
    inputs.allowedSources.map((source) => [source, merge(defaults, settings.get(source) ?? {})]),
  );
  return { defaults, sources };
}

/** A source that sets its rate and no burst gets ten seconds of its own rate, not the default's. */
function merge(base: SourcePolicy, own: Settings): SourcePolicy {
  const burst = own.burst ?? (own.rate !== undefined ? burstOf(own.rate) : base.burst);
  return { ...base, ...own, burst };
}

const burstOf = (rate: number): number => Math.max(1, Math.ceil(rate * BURST_SECONDS));

type RawEntry = [where: string, source: string, fields: Record<string, unknown>];

/** The entries of SOURCE_POLICY or SOURCE_POLICY_FILE (setting both is a mistake: one place). */
function rawEntries(inputs: PolicyInputs, errors: string[]): RawEntry[] {
  if (inputs.compact !== undefined && inputs.file !== undefined) {
    errors.push('SOURCE_POLICY and SOURCE_POLICY_FILE are both set: keep the policy in one of them');
    return [];
  }
  if (inputs.file !== undefined) return fileEntries(inputs.file, errors);
  return compactEntries(inputs.compact ?? '', errors);
}

/** `acme-bot:rate=50,burst=500,priority=critical;other-bot:rate=5` */
function compactEntries(value: string, errors: string[]): RawEntry[] {
  // JSON written into the variable would otherwise be cut at every ';' and ':' into nonsense.
  if (/^\s*[{[]/.test(value)) {
    errors.push(
      `SOURCE_POLICY takes <source>:<key>=<value>,...;... (e.g. tradingview:rate=50,burst=500), not JSON: JSON goes in a file named by SOURCE_POLICY_FILE`,
    );
    return [];
  }
  const entries: RawEntry[] = [];
  for (const entry of value.split(';')) {
    if (!entry.trim()) continue;
    const colon = entry.indexOf(':');
    const source = entry.slice(0, Math.max(colon, 0)).trim();
    if (colon === -1 || !source) {
      errors.push(`SOURCE_POLICY "${entry.trim()}" must be <source>:<key>=<value>[,<key>=<value>]`);
      continue;
    }
    const fields: Record<string, unknown> = {};
    for (const pair of entry.slice(colon + 1).split(',')) {
      if (!pair.trim()) continue;
      const eq = pair.indexOf('=');
      if (eq === -1) errors.push(`SOURCE_POLICY ${source}: "${pair.trim()}" must be <key>=<value>`);
      else fields[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    entries.push(['SOURCE_POLICY', source, fields]);
  }
  return entries;
}

/** `{ "sources": { "<source>" | "*": { "rate": 50, ... } } }`: the same settings as SOURCE_POLICY. */
function fileEntries(path: string, errors: string[]): RawEntry[] {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    const hint =
      err instanceof SyntaxError ? ` (expected { "sources": { "<source>": { "rate": 50 } } })` : '';
    errors.push(`SOURCE_POLICY_FILE ${path}: ${why}${hint}`);
    return [];
  }
  const where = `SOURCE_POLICY_FILE ${path}`;
  const sources = isObject(document) ? document.sources : undefined;
  if (!isObject(document) || !isObject(sources) || Object.keys(document).some((k) => k !== 'sources')) {
    errors.push(`${where}: must be a JSON object with one member, "sources": { "<source>": { ... } }`);
    return [];
  }
  const entries: RawEntry[] = [];
  for (const [source, fields] of Object.entries(sources)) {
    if (isObject(fields)) entries.push([where, source, fields]);
    else errors.push(`${where}: ${source} must be an object of settings`);
  }
  return entries;
}

function checked(
  where: string,
  source: string,
  fields: Record<string, unknown>,
  maxWaitLimit: number,
  errors: string[],
): Settings {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const check = FIELDS[key];
    if (!check) {
      errors.push(`${where} ${source}: unknown setting "${key}" (known: ${Object.keys(FIELDS).join(', ')})`);
      continue;
    }
    const result = check(value, maxWaitLimit);
    if (typeof result === 'string') {
      const tooLong = key === 'max_wait_ms' && Number(value) > maxWaitLimit;
      errors.push(`${where} ${source}: ${key} ${tooLong ? waitTooLong(maxWaitLimit) : result}`);
    } else settings[result[0]] = result[1];
  }
  return settings;
}

const waitTooLong = (limit: number): string =>
  `must be at most ${limit}: the ${STORE_BUDGET_MS} ms store budget less NATS_PUBLISH_TIMEOUT_MS, so the publishes keep their whole timeout`;

/** Undefined when `value` (a number or a numeric string) is in range, else what is wrong. */
function number(value: unknown, min: number, max: number, integer: boolean): string | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    return `must be ${integer ? 'an integer' : 'a number'} (got ${JSON.stringify(value)})`;
  }
  if (n < min || n > max) return `must be between ${min} and ${max} (got ${n})`;
  return undefined;
}

const oneOf = <T extends string>(value: unknown, options: readonly T[]): value is T =>
  typeof value === 'string' && (options as readonly string[]).includes(value);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
