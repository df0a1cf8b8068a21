import 'reflect-metadata';
import { loadConfig } from './load-config';
import { configErrorOf } from './load-config.fixtures';

describe('loadConfig', () => {
  it.each(['http://127.0.0.1:4222', 'nats://a:4222,https://b:8222'])(
    'refuses a NATS_URL of another scheme (%s), saying which schemes NATS takes',
    (url) => {
      expect(configErrorOf({ NATS_URL: url }).message).toMatch(/^NATS_URL .*nats:\/\/host:4222/);
      expect(loadConfig({ NATS_URL: 'tls://a:4222,b:4222,ws://c' }).nats.servers).toHaveLength(3);
    },
  );

  describe('NATS (docs/contract.md 6.1)', () => {
    it('provisions a stream kept 7 days and at most 1 GiB by default', () => {
      const { nats } = loadConfig({});
      expect([nats.provision, nats.maxAgeSec, nats.maxBytes]).toEqual([true, 7 * 86400, 2 ** 30]);
      expect(nats.auth).toEqual({});
    });

    it('takes NATS_PROVISION=false and limits with units, 0 for none', () => {
      const { nats } = loadConfig({
        NATS_PROVISION: 'false',
        NATS_STREAM_MAX_AGE: '36h',
        NATS_STREAM_MAX_BYTES: '512MiB',
      });
      expect([nats.provision, nats.maxAgeSec, nats.maxBytes]).toEqual([false, 36 * 3600, 512 * 2 ** 20]);
      const unlimited = loadConfig({ NATS_STREAM_MAX_AGE: '0', NATS_STREAM_MAX_BYTES: '0' }).nats;
      expect([unlimited.maxAgeSec, unlimited.maxBytes]).toEqual([0, 0]);
    });

    it.each([
      ['NATS_PROVISION', { NATS_PROVISION: 'yes' }],
      ['NATS_STREAM_MAX_AGE', { NATS_STREAM_MAX_AGE: '7 days' }],
      ['NATS_STREAM_MAX_BYTES', { NATS_STREAM_MAX_BYTES: '1PB' }],
      ['NATS_STREAM_MAX_AGE', { NATS_STREAM_MAX_AGE: '30m', IDEMPOTENCY_TTL_SEC: '3600' }],
      ['NATS_PASSWORD', { NATS_PASSWORD: 'pw' }],
      ['NATS_TLS_CERT_FILE', { NATS_TLS_CERT_FILE: '/nonexistent/client.pem', NATS_TLS_KEY_FILE: '/x' }],
      ['NATS_CREDS_FILE', { NATS_CREDS_FILE: '/nonexistent/gw.creds' }],
    ])('refuses a bad %s in one line', (name, env) => {
      const message = configErrorOf(env).message;
      expect(message).toMatch(new RegExp(`^${name}\\b`));
      expect(message).not.toContain('\n');
    });

    it('takes user and password', () => {
      expect(loadConfig({ NATS_USER: 'gw', NATS_PASSWORD: 'pw' }).nats.auth.user).toEqual({
        name: 'gw',
        password: 'pw',
      });
    });
  });
});
