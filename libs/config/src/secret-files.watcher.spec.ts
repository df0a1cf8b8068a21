import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretFilesWatcher } from './secret-files.watcher';

describe('SecretFilesWatcher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-watch-'));
  const key = join(dir, 'key');
  const sources = join(dir, 'sources');

  it('reports the variables whose file changed since the last look, and the unusable files', async () => {
    writeFileSync(key, 'k1');
    writeFileSync(sources, ''); // empty from the start: not in use, not a fault
    const watcher = new SecretFilesWatcher({ API_KEY_HMAC_SECRET: key, SOURCE_HMAC_SECRETS: sources });
    expect(await watcher.changed()).toEqual(['API_KEY_HMAC_SECRET', 'SOURCE_HMAC_SECRETS']);
    expect(watcher.problems()).toEqual([]);
    expect(await watcher.changed()).toEqual([]);

    writeFileSync(key, 'k1,k2');
    expect(await watcher.changed()).toEqual(['API_KEY_HMAC_SECRET']);
    // What a reload builds from: the text just looked at, whatever the file holds by then.
    writeFileSync(key, '');
    expect(watcher.texts()).toEqual({ API_KEY_HMAC_SECRET: 'k1,k2', SOURCE_HMAC_SECRETS: '' });

    writeFileSync(key, '\n');
    rmSync(sources);
    expect(await watcher.changed()).toEqual(['API_KEY_HMAC_SECRET', 'SOURCE_HMAC_SECRETS']);
    expect(watcher.problems()).toEqual([
      { variable: 'API_KEY_HMAC_SECRET', reason: 'names a file that became empty' },
      { variable: 'SOURCE_HMAC_SECRETS', reason: 'names a file that cannot be read (ENOENT)' },
    ]);
  });
});
