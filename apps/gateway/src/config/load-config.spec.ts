import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

/** The ConfigError loadConfig throws for `env` (fails the test when it does not throw one). */
function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  describe('defaults (docs/contract.md 1.5, 2, 5) with an empty environment', () => {
    const config = loadConfig({});

    it('listens on port 8001', () => {
      expect(config.port).toBe(8001);
    });

    it('limits bodies to 1 MiB and publishes with a 1500 ms timeout', () => {
      expect(config.ingress.maxBodyBytes).toBe(1024 * 1024);
      expect(config.nats.publishTimeoutMs).toBe(1500);
    });

    it('uses the trading-events stream with one replica', () => {
      expect(config.nats.stream).toBe('trading-events');
      expect(config.nats.replicas).toBe(1);
    });

    it('bounds the publish buffer at 1000 messages and 30 s (docs/contract.md 3)', () => {
      expect(config.nats.bufferMaxMessages).toBe(1000);
      expect(config.nats.bufferMaxAgeMs).toBe(30_000);
    });

    it('lets a candle close of 500 alerts from one source through: 50/s, a burst of 500, 700 ms of wait', () => {
      expect(config.security.policy.defaults).toMatchObject({ rate: 50, burst: 500, maxWaitMs: 700 });
    });

    it('falls back to the development secret outside production, and says so', () => {
      expect(config.usesDevelopmentSecret).toBe(true);
      expect(config.security.secrets).toHaveLength(1);
    });
  });

  it('converts numeric variables to numbers', () => {
    const config = loadConfig({
      PORT: '9000',
      REPLAY_WINDOW_SEC: '60',
      IDEMPOTENCY_TTL_SEC: '120',
      RATE_LIMIT_RPS: '2.5',
      MAX_BODY_BYTES: '2048',
      NATS_PUBLISH_TIMEOUT_MS: '800',
    });
    expect(config.port).toBe(9000);
    expect(config.security.replayWindowSec).toBe(60);
    expect(config.nats.duplicateWindowSec).toBe(120);
    expect(config.security.policy.defaults.rate).toBe(2.5);
    expect(config.ingress.maxBodyBytes).toBe(2048);
    expect(config.nats.publishTimeoutMs).toBe(800);
  });

  it('takes a body memory budget of at least MAX_BODY_BYTES, 32 MiB by default', () => {
    expect(loadConfig({}).ingress.bodyMemoryBudgetBytes).toBe(32 * 1024 * 1024);
    expect(loadConfig({ BODY_MEMORY_BUDGET_BYTES: '2097152' }).ingress.bodyMemoryBudgetBytes).toBe(2097152);
    expect(() => loadConfig({ BODY_MEMORY_BUDGET_BYTES: '4096', MAX_BODY_BYTES: '8192' })).toThrow(
      'BODY_MEMORY_BUDGET_BYTES must be at least MAX_BODY_BYTES',
    );
  });

  it('splits and trims comma-separated secrets, sources and NATS servers', () => {
    const config = loadConfig({
      API_KEY_HMAC_SECRET: ' old-secret , new-secret,',
      ALLOWED_SOURCES: 'tradingview, bot-7 ,custom.x',
      NATS_URL: 'nats://a:4222,nats://b:4222',
    });
    expect(config.security.secrets.map((k) => k.secret)).toEqual(['old-secret', 'new-secret']);
    expect(config.usesDevelopmentSecret).toBe(false);
    expect(config.security.allowedSources).toEqual(['tradingview', 'bot-7', 'custom.x']);
    expect(config.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it.each(['http://127.0.0.1:4222', 'nats://a:4222,https://b:8222'])(
    'refuses a NATS_URL of another scheme (%s), saying which schemes NATS takes',
    (url) => {
      expect(configErrorOf({ NATS_URL: url }).message).toMatch(/^NATS_URL .*nats:\/\/host:4222/);
      expect(loadConfig({ NATS_URL: 'tls://a:4222,b:4222,ws://c' }).nats.servers).toHaveLength(3);
    },
  );

  it('gives each rate-limit variable one meaning: RATE_LIMIT_RPS alone changes the rate, the rest keep their defaults', () => {
    // Documented defaults: a burst of ten seconds of the rate, a wait of the store budget less the publish timeout.
    expect(loadConfig({}).security.policy.defaults).toMatchObject({ rate: 50, burst: 500, maxWaitMs: 700 });
    expect(loadConfig({ RATE_LIMIT_RPS: '20' }).security.policy.defaults).toMatchObject({
      rate: 20,
      burst: 200,
      maxWaitMs: 700,
    });
    expect(loadConfig({ RATE_LIMIT_BURST: '100' }).security.policy.defaults).toMatchObject({
      rate: 50,
      burst: 100,
      maxWaitMs: 700,
    });
    expect(loadConfig({ RATE_LIMIT_MAX_WAIT_MS: '300' }).security.policy.defaults).toMatchObject({
      rate: 50,
      burst: 500,
      maxWaitMs: 300,
    });
  });

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

  describe('invalid values name the variable', () => {
    it.each(['abc', '0', '70000', '80.5'])('PORT=%p', (value) => {
      expect(configErrorOf({ PORT: value }).message).toMatch(/^PORT\b/);
    });

    it('says what is wrong with PORT=abc (not a number), not something misleading', () => {
      expect(configErrorOf({ PORT: 'abc' }).message).toMatch(/integer|number/i);
      expect(configErrorOf({ PORT: 'abc' }).message).not.toMatch(/greater than/);
    });

    it('is a single line', () => {
      expect(configErrorOf({ PORT: 'abc' }).message).not.toContain('\n');
    });

    it.each([
      ['RATE_LIMIT_RPS', { RATE_LIMIT_RPS: 'fast' }],
      ['NATS_STREAM', { NATS_STREAM: 'bad name' }],
      ['ALLOWED_SOURCES', { ALLOWED_SOURCES: 'a,,b' }],
      ['TRADINGVIEW_AUTH', { TRADINGVIEW_AUTH: 'none' }],
      ['PUBLISH_BUFFER_MAX', { PUBLISH_BUFFER_MAX: '0' }],
      ['PUBLISH_BUFFER_MAX_AGE_MS', { PUBLISH_BUFFER_MAX_AGE_MS: '10' }],
    ])('%s', (name, env) => {
      expect(configErrorOf(env).message).toContain(name);
    });
  });

  describe('EVENT_SCHEMA_VERSION', () => {
    it('pins v1 by default', () => {
      expect(loadConfig({}).eventSchemaVersion).toBe('v1');
    });

    it.each(['v2', 'V1', '1'])('refuses %p, a version this build does not publish', (value) => {
      expect(configErrorOf({ EVENT_SCHEMA_VERSION: value }).message).toMatch(/^EVENT_SCHEMA_VERSION\b/);
    });
  });

  describe('TradingView token profile', () => {
    const token = { TRADINGVIEW_AUTH: 'token', TRADINGVIEW_PASSPHRASE: 'old-pp, new-pp' };

    it('needs TRADINGVIEW_PASSPHRASE when TRADINGVIEW_AUTH=token', () => {
      expect(configErrorOf({ TRADINGVIEW_AUTH: 'token' }).message).toContain('TRADINGVIEW_PASSPHRASE');
      expect(configErrorOf({ TRADINGVIEW_AUTH: 'token', TRADINGVIEW_PASSPHRASE: ' , ' }).message).toContain(
        'TRADINGVIEW_PASSPHRASE',
      );
    });

    it('serves the tradingview route by its token verification, with the passphrases', () => {
      const { security } = loadConfig(token);
      expect(security.verification).toEqual({ tradingview: 'token' });
      // The addresses are the source's own (TradingView's four) unless TRADINGVIEW_IPS is set.
      expect(security.tokenProfiles).toEqual([{ route: 'tradingview', passphrases: ['old-pp', 'new-pp'] }]);
    });

    it('takes other addresses and CIDR ranges, IPv4 or IPv6', () => {
      const config = loadConfig({ ...token, TRADINGVIEW_IPS: '10.0.0.0/8, 2001:db8::/32,127.0.0.1' });
      expect(config.security.tokenProfiles![0].allowedAddresses).toEqual([
        '10.0.0.0/8',
        '2001:db8::/32',
        '127.0.0.1',
      ]);
    });

    it.each(['52.89.214', 'tradingview.com', '10.0.0.0/33', ' , '])('refuses TRADINGVIEW_IPS=%p', (ips) => {
      expect(configErrorOf({ ...token, TRADINGVIEW_IPS: ips }).message).toContain('TRADINGVIEW_IPS');
    });

    it('refuses TRUST_PROXY=true, which would let any client pick its address', () => {
      expect(configErrorOf({ ...token, TRUST_PROXY: 'true' }).message).toContain('TRUST_PROXY');
    });

    it('keeps HMAC (no token profile) by default', () => {
      const { security } = loadConfig({ TRADINGVIEW_PASSPHRASE: 'pp' });
      expect(security.tokenProfiles).toEqual([]);
      expect(security.verification).toEqual({});
    });
  });

  describe('SOURCE_PASSPHRASES', () => {
    it('gives the passphrases of sources with a token verification of their own', () => {
      const config = loadConfig({ ALLOWED_SOURCES: 'desk', SOURCE_PASSPHRASES: 'desk: pp-1 , pp-2' });
      expect(config.security.tokenProfiles).toEqual([{ route: 'desk', passphrases: ['pp-1', 'pp-2'] }]);
    });

    it.each([
      ['desk', 'SOURCE_PASSPHRASES must be'],
      ['stranger:pp-1', 'not in ALLOWED_SOURCES'],
    ])('refuses %p, never echoing a passphrase', (value, message) => {
      const error = configErrorOf({ ALLOWED_SOURCES: 'desk', SOURCE_PASSPHRASES: value }).message;
      expect(error).toContain(message);
      expect(error).not.toContain('pp-1');
    });

    it('refuses TRUST_PROXY=true with it too', () => {
      const env = { ALLOWED_SOURCES: 'desk', SOURCE_PASSPHRASES: 'desk:pp', TRUST_PROXY: 'true' };
      expect(configErrorOf(env).message).toContain('TRUST_PROXY');
    });
  });

  describe('TRUST_PROXY', () => {
    it.each([
      ['2', 2],
      ['loopback', 'loopback'],
      ['loopback, 10.0.0.0/8, 192.168.1.1/255.255.255.0', 'loopback,10.0.0.0/8,192.168.1.1/255.255.255.0'],
      ['false', false],
    ])('takes %p', (value, expected) => {
      expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
    });

    it.each(['proxy.local', '10.0.0.0/40', 'loopback,,'])('refuses %p in one line', (value) => {
      expect(configErrorOf({ TRUST_PROXY: value }).message).toMatch(/^TRUST_PROXY/);
    });
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

  describe('MANAGEMENT_PORT', () => {
    it('is off by default, and may not be PORT', () => {
      expect(loadConfig({}).managementPort).toBeUndefined();
      expect(loadConfig({ MANAGEMENT_PORT: '8002' }).managementPort).toBe(8002);
      expect(configErrorOf({ MANAGEMENT_PORT: '8001' }).message).toBe(
        'MANAGEMENT_PORT must differ from PORT',
      );
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

  describe('slow-client timeouts', () => {
    it('cuts off headers after 5 s and a whole request after 10 s by default', () => {
      const config = loadConfig({});
      expect([config.headersTimeoutMs, config.requestTimeoutMs]).toEqual([5000, 10000]);
    });

    it('refuses a headers timeout above the request timeout', () => {
      expect(configErrorOf({ HEADERS_TIMEOUT_MS: '20000' }).message).toContain('HEADERS_TIMEOUT_MS');
    });
  });

  describe('shutdown behind a load balancer', () => {
    it('keeps answering 8 s after SIGTERM by default, within the 25 s grace', () => {
      const config = loadConfig({ ENV: 'production', API_KEY_HMAC_SECRET: 'a-production-secret-0123' });
      expect([config.shutdownDelayMs, config.shutdownGraceMs]).toEqual([8000, 25000]);
      expect(loadConfig({ ENV: 'test' }).shutdownDelayMs).toBe(8000);
    });

    it('stops at once in development (no load balancer waits there), unless the delay is set', () => {
      expect(loadConfig({}).shutdownDelayMs).toBe(0);
      expect(loadConfig({ ENV: 'Development' }).shutdownDelayMs).toBe(0);
      expect(loadConfig({ SHUTDOWN_DELAY_MS: '3000' }).shutdownDelayMs).toBe(3000);
    });

    it('refuses a delay that leaves no time to drain within the grace', () => {
      expect(configErrorOf({ SHUTDOWN_DELAY_MS: '25000' }).message).toContain('SHUTDOWN_DELAY_MS');
      expect(configErrorOf({ ENV: 'test', SHUTDOWN_GRACE_MS: '5000' }).message).toContain(
        'SHUTDOWN_GRACE_MS',
      );
      expect(loadConfig({ SHUTDOWN_DELAY_MS: '0', SHUTDOWN_GRACE_MS: '0' }).shutdownDelayMs).toBe(0);
    });
  });

  describe('an empty variable counts as unset', () => {
    it('lets the default apply', () => {
      const config = loadConfig({ PORT: '', NATS_STREAM: '', RATE_LIMIT_RPS: '', ENV: '' });
      expect(config.port).toBe(8001);
      expect(config.nats.stream).toBe('trading-events');
      expect(config.logging.env).toBe('development');
    });

    it('still counts as missing where a value is required', () => {
      expect(configErrorOf({ ENV: 'production', API_KEY_HMAC_SECRET: '' }).message).toContain(
        'API_KEY_HMAC_SECRET',
      );
      expect(configErrorOf({ TRADINGVIEW_AUTH: 'token', TRADINGVIEW_PASSPHRASE: '' }).message).toContain(
        'TRADINGVIEW_PASSPHRASE',
      );
    });
  });
});
