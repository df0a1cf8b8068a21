import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';

/**
 * Every variable of the gateway's own that holds a secret; a source may declare more (a token
 * verification's passphrases, `SourceSettings`), which the gateway reads alike. Each has a
 * `<NAME>_FILE` twin naming a file that holds the value (the Docker and Kubernetes convention): a
 * mounted Secret never shows in the process environment, and the file can be rotated in place
 * (docs/security.md).
 */
export const SECRET_VARIABLES: readonly string[] = [
  'API_KEY_HMAC_SECRET',
  'SOURCE_HMAC_SECRETS',
  'SOURCE_PASSPHRASES',
  'NATS_PASSWORD',
  'NATS_TOKEN',
];

/** A variable holding a secret: one of SECRET_VARIABLES or one a source declares. */
export type SecretVariable = string;

/** The secrets every app that connects to NATS reads (the DLQ replay and the consumer too). */
export const NATS_SECRET_VARIABLES: readonly SecretVariable[] = ['NATS_PASSWORD', 'NATS_TOKEN'];

export const fileVariable = (name: string): string => `${name}_FILE`;

/** The text of secret files as already read, by variable (a reload builds from exactly these). */
export type SecretFileTexts = Partial<Record<SecretVariable, string>>;

/** The environment with every `_FILE` secret read in, and which files they came from. */
export interface ResolvedEnvironment {
  env: NodeJS.ProcessEnv;
  /** Secret variable -> the file it was read from; the files a reload watches. */
  files: Partial<Record<SecretVariable, string>>;
}

/**
 * The value of a secret file: its text without surrounding whitespace (editors and `echo` add a
 * final newline); '' for an empty file. The error names the variable and the reason, never a
 * byte of the content.
 */
export function readSecretFile(name: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${fileVariable(name)} names a file that cannot be read (${reason})`, name);
  }
  return text.trim();
}

/**
 * Reads each `<NAME>_FILE` into `<NAME>`. Both set is an error: which one wins would be a guess.
 * An empty variable, or an empty file, counts as unset (so a Kubernetes Secret may carry an empty
 * key for a secret not in use); a file that cannot be read stops the start. With `texts`, a
 * file's text is taken from there instead of read (a reload: the text it checked).
 */
export function resolveSecretFiles(
  source: NodeJS.ProcessEnv,
  variables: readonly SecretVariable[] = SECRET_VARIABLES,
  texts: SecretFileTexts = {},
): ResolvedEnvironment {
  const env: NodeJS.ProcessEnv = { ...source };
  const files: ResolvedEnvironment['files'] = {};
  for (const name of variables) {
    const path = source[fileVariable(name)];
    delete env[fileVariable(name)];
    if (!path) continue;
    if (source[name]) {
      throw new ConfigError(`${name} and ${fileVariable(name)} are both set: set only one`, name);
    }
    const value = texts[name]?.trim() ?? readSecretFile(name, path);
    if (value) env[name] = value;
    files[name] = path;
  }
  return { env, files };
}
