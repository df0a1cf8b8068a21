import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config';
import { configErrorOf } from './load-config.fixtures';

describe('loadConfig', () => {
  describe('production secret', () => {
    it('refuses ENV=production without API_KEY_HMAC_SECRET, naming the variable', () => {
      expect(configErrorOf({ ENV: 'production' }).message).toContain('API_KEY_HMAC_SECRET');
    });

    it.each(['staging', 'prod', 'Production', 'qa', 'production-eu'])(
      'fails closed: ENV=%p without a secret refuses to start',
      (value) => {
        expect(configErrorOf({ ENV: value }).message).toMatch(/^API_KEY_HMAC_SECRET .*required/);
      },
    );

    it.each(['development', 'test', 'Development', 'TEST'])(
      'ENV=%p may use the development secret',
      (value) => {
        expect(loadConfig({ ENV: value }).usesDevelopmentSecret).toBe(true);
      },
    );

    it('accepts ENV=production with a secret, and never uses the development one', () => {
      const config = loadConfig({ ENV: 'production', API_KEY_HMAC_SECRET: 'prod-secret-0123456789' });
      expect(config.security.secrets.map((k) => k.secret)).toEqual(['prod-secret-0123456789']);
      expect(config.usesDevelopmentSecret).toBe(false);
    });

    it('takes ENV and LOG_LEVEL in any case, and keeps them in lower case', () => {
      const config = loadConfig({
        ENV: 'Production',
        LOG_LEVEL: 'INFO',
        API_KEY_HMAC_SECRET: 'p'.repeat(16),
      });
      expect(config.logging).toMatchObject({ env: 'production', level: 'info' });
    });

    it.each([',', '   ', ' , '])(
      'refuses ENV=production when API_KEY_HMAC_SECRET=%p holds no secret at all',
      (value) => {
        // Otherwise the public development secret silently signs production traffic.
        expect(configErrorOf({ ENV: 'production', API_KEY_HMAC_SECRET: value }).message).toContain(
          'API_KEY_HMAC_SECRET',
        );
      },
    );
  });

  describe('SOURCE_HMAC_SECRETS', () => {
    const allowed = { ALLOWED_SOURCES: 'tradingview,acme-bot,other.bot' };

    it('gives sources their own secrets, several each for rotation', () => {
      const config = loadConfig({
        ...allowed,
        SOURCE_HMAC_SECRETS: 'acme-bot: [k1]s1 , s2 ; other.bot:whsec_dGVzdA==;',
      });
      const secrets = Object.entries(config.security.sourceSecrets!).map(([s, keys]) => [
        s,
        keys.map((k) => k.secret),
      ]);
      expect(secrets).toEqual([
        ['acme-bot', ['s1', 's2']],
        ['other.bot', ['whsec_dGVzdA==']],
      ]);
    });

    it('keeps the first colon as the separator, so a secret may contain one', () => {
      const config = loadConfig({ ...allowed, SOURCE_HMAC_SECRETS: 'acme-bot:a:b' });
      expect(config.security.sourceSecrets!['acme-bot'][0].secret).toBe('a:b');
    });

    it.each([
      ['acme-bot', 'SOURCE_HMAC_SECRETS must be'],
      ['acme-bot:', 'SOURCE_HMAC_SECRETS must be'],
      ['bad id:k', 'SOURCE_HMAC_SECRETS must be'],
      ['acme-bot:k1;acme-bot:k2', 'twice'],
      ['stranger:k1', 'not in ALLOWED_SOURCES'],
    ])('refuses %p, never echoing a secret', (value, message) => {
      const error = configErrorOf({ ...allowed, SOURCE_HMAC_SECRETS: value }).message;
      expect(error).toContain(message);
      expect(error).not.toMatch(/k1|k2/);
    });
  });

  describe('secrets from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'load-config-'));
    const file = (content: string) => {
      const path = join(dir, String(Math.random()));
      writeFileSync(path, content);
      return path;
    };

    it('reads API_KEY_HMAC_SECRET_FILE, lists it for the reload, and reloads from the text it was given', () => {
      const path = file('[a]first-key-0123456789\n');
      const config = loadConfig({ ENV: 'production', API_KEY_HMAC_SECRET_FILE: path });
      expect(config.security.secrets).toEqual([{ id: 'a', secret: 'first-key-0123456789' }]);
      expect(config.secretFiles).toEqual({ API_KEY_HMAC_SECRET: path });
      // The reload checked this text; the file is not read a second time (it may be mid-rewrite).
      writeFileSync(path, '');
      expect(config.reloadCredentials({ API_KEY_HMAC_SECRET: '[b]second-key-0123456789\n' }).secrets).toEqual(
        [{ id: 'b', secret: 'second-key-0123456789' }],
      );
    });

    it('refuses a key file written one key per line (keys are separated by commas)', () => {
      const path = file('[a]first-key-0123456789\r\n[b]second-key-0123456789\r\n');
      expect(configErrorOf({ ENV: 'production', API_KEY_HMAC_SECRET_FILE: path }).message).toBe(
        'API_KEY_HMAC_SECRET key a holds a control character (a line break?): separate keys with commas',
      );
    });

    it('reads SOURCE_PASSPHRASES_FILE, lists it for the reload, and reloads from the text it was given', () => {
      const path = file('desk:pp-1\n');
      const config = loadConfig({ ALLOWED_SOURCES: 'desk', SOURCE_PASSPHRASES_FILE: path });
      expect(config.security.tokenProfiles).toEqual([{ route: 'desk', passphrases: ['pp-1'] }]);
      expect(config.secretFiles).toEqual({ SOURCE_PASSPHRASES: path });
      expect(config.reloadCredentials({ SOURCE_PASSPHRASES: 'desk:pp-1,pp-2' }).tokenProfiles).toEqual([
        { route: 'desk', passphrases: ['pp-1', 'pp-2'] },
      ]);
    });

    it('in production, an empty file is no key at all', () => {
      expect(configErrorOf({ ENV: 'production', API_KEY_HMAC_SECRET_FILE: file('') }).message).toMatch(
        /^API_KEY_HMAC_SECRET .*required/,
      );
    });
  });
});
