import { assertNoControlCharacters, ConfigError, list, SECRET_VARIABLES } from '@gateway/config';
import { schemeOf, type SourceSettings, type TokenSettings } from '@gateway/contracts';
import { AddressAllowlist, type TokenProfileOptions } from '@gateway/security';

// The variables sources declare for themselves (`SourceSettings`, listed in the source catalog),
// read the same way for every source: the gateway names none of them. An empty variable counts as
// unset, as for the gateway's own variables.

/** Every secret variable of the gateway: its own, then the passphrase variables sources declare. */
export function secretVariablesOf(sources: readonly SourceSettings[]): string[] {
  const declared = sources.flatMap((s) => (s.token ? [s.token.passphrasesVariable] : []));
  return [...new Set([...SECRET_VARIABLES, ...declared])];
}

/** Every variable the sources declare (without the `_FILE` twins of their secrets). */
export function sourceVariablesOf(sources: readonly SourceSettings[]): string[] {
  return sources.flatMap((s) =>
    [s.verificationVariable, s.token?.passphrasesVariable, s.token?.addressesVariable].filter(
      (name): name is string => name !== undefined,
    ),
  );
}

const valueOf = (env: NodeJS.ProcessEnv, name: string | undefined): string | undefined =>
  name === undefined || env[name] === '' ? undefined : env[name];

/** The scheme serving a source's route: the one its variable picks, else the first it declares. */
function chosenScheme(env: NodeJS.ProcessEnv, settings: SourceSettings): string {
  const schemes = settings.verification.map(schemeOf);
  const variable = settings.verificationVariable;
  const chosen = valueOf(env, variable) ?? schemes[0];
  if (!schemes.includes(chosen)) {
    throw new ConfigError(`${variable} must be one of the following values: ${schemes.join(', ')}`, variable);
  }
  return chosen;
}

/**
 * Per route, the verification a source's variable picks when it is not the source's first (the
 * security module's `verification`). Checked at once, with the presence of the passphrases a
 * token verification needs, as the gateway's own variables are.
 */
export function chosenVerifications(
  env: NodeJS.ProcessEnv,
  sources: readonly SourceSettings[],
): Record<string, string> {
  const chosen: Record<string, string> = {};
  for (const settings of sources) {
    const scheme = chosenScheme(env, settings);
    const passphrases = settings.token?.passphrasesVariable;
    if (scheme === 'token' && passphrases !== undefined && valueOf(env, passphrases) === undefined) {
      const when = settings.verificationVariable
        ? `when ${settings.verificationVariable}=token`
        : `to serve /webhooks/${settings.route}`;
      throw new ConfigError(`${passphrases} is required ${when}`, passphrases);
    }
    if (scheme !== schemeOf(settings.verification[0])) chosen[settings.route] = scheme;
  }
  return chosen;
}

/**
 * The token profiles of the sources served by their token verification, from the variables they
 * declare: the passphrases (comma-separated, several during a rotation) and, when set, the
 * addresses replacing those the verification declares.
 */
export function sourceTokenProfiles(
  env: NodeJS.ProcessEnv,
  sources: readonly SourceSettings[],
): TokenProfileOptions[] {
  return sources
    .filter((settings) => settings.token !== undefined && chosenScheme(env, settings) === 'token')
    .map((settings) => tokenProfile(env, settings.route, settings.token!));
}

function tokenProfile(
  env: NodeJS.ProcessEnv,
  route: string,
  { passphrasesVariable, addressesVariable }: TokenSettings,
): TokenProfileOptions {
  const passphrases = list(valueOf(env, passphrasesVariable) ?? '');
  passphrases.forEach((p, i) =>
    assertNoControlCharacters(passphrasesVariable, `${passphrasesVariable} passphrase ${i + 1}`, p),
  );
  if (passphrases.length === 0) {
    throw new ConfigError(`${passphrasesVariable} names no passphrase`, passphrasesVariable);
  }
  const addresses = valueOf(env, addressesVariable);
  if (addresses === undefined) return { route, passphrases };
  const allowedAddresses = list(addresses);
  try {
    new AddressAllowlist(allowedAddresses);
  } catch (err) {
    throw new ConfigError(`${addressesVariable} ${(err as Error).message}`);
  }
  if (allowedAddresses.length === 0) throw new ConfigError(`${addressesVariable} names no address`);
  return { route, passphrases, allowedAddresses };
}
