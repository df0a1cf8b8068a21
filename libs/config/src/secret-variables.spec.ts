import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NATS_SECRET_VARIABLES, resolveSecretFiles, SECRET_VARIABLES } from './secret-variables';

describe('resolveSecretFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-files-'));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it.each(SECRET_VARIABLES)('reads %s from %s_FILE, without the final newline', (name) => {
    const path = file(name, 'from-the-file\n');
    const { env, files } = resolveSecretFiles({ [`${name}_FILE`]: path, OTHER: 'kept' });
    expect(env[name]).toBe('from-the-file');
    expect(env).not.toHaveProperty(`${name}_FILE`);
    expect(env.OTHER).toBe('kept');
    expect(files).toEqual({ [name]: path });
  });

  it.each(SECRET_VARIABLES)('refuses %s set both ways', (name) => {
    const both = { [name]: 'inline', [`${name}_FILE`]: file(name, 'x') };
    expect(() => resolveSecretFiles(both)).toThrow(`${name} and ${name}_FILE are both set`);
  });

  it('refuses a file that cannot be read, naming the variable and the reason', () => {
    expect(() => resolveSecretFiles({ NATS_TOKEN_FILE: join(dir, 'missing') })).toThrow(
      'NATS_TOKEN_FILE names a file that cannot be read (ENOENT)',
    );
  });

  it('takes an empty file as unset, and still watches it', () => {
    const path = file('empty', '\n');
    const { env, files } = resolveSecretFiles({ SOURCE_HMAC_SECRETS_FILE: path });
    expect(env).not.toHaveProperty('SOURCE_HMAC_SECRETS');
    expect(files.SOURCE_HMAC_SECRETS).toBe(path);
  });

  it('resolves only the variables an app reads (the DLQ replay and the consumer: NATS ones)', () => {
    const path = file('nats', 'token');
    const { env } = resolveSecretFiles(
      { NATS_TOKEN_FILE: path, API_KEY_HMAC_SECRET_FILE: path },
      NATS_SECRET_VARIABLES,
    );
    expect(env.NATS_TOKEN).toBe('token');
    expect(env).not.toHaveProperty('API_KEY_HMAC_SECRET');
  });
});
