import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET_VARIABLES } from '@gateway/config';
import type { SourceSettings } from '@gateway/contracts';
import { ConfigError, loadConfig } from './load-config';
import { secretVariablesOf, sourceVariablesOf } from './source-settings';

// A source the gateway has never heard of: whatever it declares is read like the catalog's own.
const ACME: SourceSettings = {
  route: 'acme-bot',
  verification: ['hmac', { scheme: 'token', field: 'pass', addresses: ['203.0.113.0/24'] }],
  verificationVariable: 'ACME_AUTH',
  token: { passphrasesVariable: 'ACME_PASSPHRASE', addressesVariable: 'ACME_IPS' },
};
/** Served by its token verification alone: nothing to choose. */
const DESK: SourceSettings = {
  route: 'desk',
  verification: [{ scheme: 'token', field: 'pass', addresses: ['198.51.100.7'] }],
  token: { passphrasesVariable: 'DESK_PASSPHRASE' },
};
const ALLOWED = { ALLOWED_SOURCES: 'acme-bot,desk' };

const load = (env: NodeJS.ProcessEnv) => loadConfig({ ...ALLOWED, ...env }, undefined, [ACME, DESK]);

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('the variables a source declares', () => {
  it('lists its passphrases among the secret variables, and every variable it reads', () => {
    expect(secretVariablesOf([ACME, DESK])).toEqual([
      ...SECRET_VARIABLES,
      'ACME_PASSPHRASE',
      'DESK_PASSPHRASE',
    ]);
    expect(sourceVariablesOf([ACME, DESK])).toEqual([
      'ACME_AUTH',
      'ACME_PASSPHRASE',
      'ACME_IPS',
      'DESK_PASSPHRASE',
    ]);
  });

  it('serves the first verification declared while the variable is unset or empty', () => {
    const { security } = load({ ACME_AUTH: '', ACME_PASSPHRASE: 'ignored', DESK_PASSPHRASE: 'd' });
    expect(security.verification).toEqual({});
    expect(security.tokenProfiles).toEqual([{ route: 'desk', passphrases: ['d'] }]);
  });

  it('serves the one the variable picks, with the passphrases and addresses of its variables', () => {
    const { security } = load({
      ACME_AUTH: 'token',
      ACME_PASSPHRASE: 'old, new',
      ACME_IPS: '10.0.0.0/8',
      DESK_PASSPHRASE: 'd',
    });
    expect(security.verification).toEqual({ 'acme-bot': 'token' });
    expect(security.tokenProfiles).toEqual([
      { route: 'acme-bot', passphrases: ['old', 'new'], allowedAddresses: ['10.0.0.0/8'] },
      { route: 'desk', passphrases: ['d'] },
    ]);
  });

  it.each([
    [{ ACME_AUTH: 'github' }, 'ACME_AUTH must be one of the following values: hmac, token', 'ACME_AUTH'],
    [{ ACME_AUTH: 'token' }, 'ACME_PASSPHRASE is required when ACME_AUTH=token', 'ACME_PASSPHRASE'],
    [{ DESK_PASSPHRASE: '' }, 'DESK_PASSPHRASE is required to serve /webhooks/desk', 'DESK_PASSPHRASE'],
    [{ DESK_PASSPHRASE: ' , ' }, 'DESK_PASSPHRASE names no passphrase', 'DESK_PASSPHRASE'],
    [{ ACME_AUTH: 'token', ACME_PASSPHRASE: 'p', ACME_IPS: ' , ' }, 'ACME_IPS names no address', undefined],
  ])('refuses %p in one line naming the variable', (env, message, variable) => {
    const error = errorOf({ DESK_PASSPHRASE: 'd', ...env });
    expect(error.message).toBe(message);
    expect(error.variable).toBe(variable);
  });

  it('reads the passphrases from <NAME>_FILE, watched for a reload that applies the same checks', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'source-settings-')), 'DESK_PASSPHRASE');
    writeFileSync(file, 'from-file\n');
    const config = load({ DESK_PASSPHRASE_FILE: file });
    expect(config.security.tokenProfiles).toEqual([{ route: 'desk', passphrases: ['from-file'] }]);
    expect(config.secretFiles).toEqual({ DESK_PASSPHRASE: file });
    expect(config.reloadCredentials({ DESK_PASSPHRASE: 'next' }).tokenProfiles).toEqual([
      { route: 'desk', passphrases: ['next'] },
    ]);
    expect(() => config.reloadCredentials({ DESK_PASSPHRASE: ' , ' })).toThrow('names no passphrase');
    expect(() => load({ DESK_PASSPHRASE: 'd', DESK_PASSPHRASE_FILE: file })).toThrow('both set');
  });
});
