import type { VerificationSpec } from './verification';

/**
 * The environment variables a source reads, declared by the source in its own library and listed
 * in the source catalog (`SOURCE_SETTINGS`). The configuration is loaded before any Nest module
 * exists, so this is plain data: the gateway reads every declaration the same way and names no
 * source itself (docs/adding-a-source.md, "Settings of its own").
 */
export interface SourceSettings {
  /** The route the settings configure: its adapter's `route`. */
  readonly route: string;
  /**
   * The verifications its adapter declares, default first: the very constant the adapter's
   * `verification` holds, so that the configuration can check a choice before the adapter exists.
   */
  readonly verification: readonly [VerificationSpec, ...VerificationSpec[]];
  /**
   * The variable choosing among them by scheme name (`schemeOf`); unset or empty: the first. Any
   * other value stops the start: `<variable> must be one of the following values: <schemes>`.
   */
  readonly verificationVariable?: string;
  /** The variables of its token verification, read only while that verification serves the route. */
  readonly token?: TokenSettings;
}

/** Where the secrets of a source's token verification come from. */
export interface TokenSettings {
  /**
   * Its passphrases, comma-separated, several during a rotation: a secret variable like the
   * gateway's own, with a `<NAME>_FILE` twin that is read again when it changes (a rotation).
   * Required while the token verification serves the route.
   */
  readonly passphrasesVariable: string;
  /** Addresses or CIDR ranges that replace those the token verification declares. */
  readonly addressesVariable?: string;
}
