import { Inject, Injectable } from '@nestjs/common';
import { KeySet } from './key-set';
import { SECURITY_OPTIONS } from './security.module-definition';
import type { Credentials, SecurityModuleOptions } from './security.options';
import { VerifiedTallies } from './verified-tallies';

/**
 * The credentials in force. A rotation builds a whole new KeySet and swaps one reference: a
 * request reads `current` once, so it sees the old set or the new one, never a mix, and the hot
 * path parses nothing.
 */
@Injectable()
export class KeyRing {
  private keys: KeySet;
  private readonly listeners: ((keys: KeySet) => void)[] = [];

  constructor(
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions,
    private readonly verified: VerifiedTallies,
  ) {
    this.keys = this.build(options);
  }

  get current(): KeySet {
    return this.keys;
  }

  /** Puts new credentials in force for every request that starts from now on. */
  replace(credentials: Credentials): void {
    this.keys = this.build(credentials);
    for (const listener of this.listeners) listener(this.keys);
  }

  /** Calls `listener` with each new key set, as it is put in force. */
  onReplace(listener: (keys: KeySet) => void): void {
    this.listeners.push(listener);
  }

  private build(credentials: Credentials): KeySet {
    return new KeySet(credentials, this.options.allowedSources, this.verified);
  }
}
