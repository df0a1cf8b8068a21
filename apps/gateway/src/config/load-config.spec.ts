import 'reflect-metadata';
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
  describe('defaults (CONTRACT.md 1.5, 2, 5) with an empty environment', () => {
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

    it('sets the burst to the sustained rate', () => {
      expect(config.security.rateLimitBurst).toBe(config.security.rateLimitRps);
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
    expect(config.security.rateLimitRps).toBe(2.5);
    expect(config.ingress.maxBodyBytes).toBe(2048);
    expect(config.nats.publishTimeoutMs).toBe(800);
  });

  it('splits and trims comma-separated secrets, sources and NATS servers', () => {
    const config = loadConfig({
      API_KEY_HMAC_SECRET: ' old-secret , new-secret,',
      ALLOWED_SOURCES: 'tradingview, bot-7 ,custom.x',
      NATS_URL: 'nats://a:4222,nats://b:4222',
    });
    expect(config.security.secrets).toEqual(['old-secret', 'new-secret']);
    expect(config.usesDevelopmentSecret).toBe(false);
    expect(config.security.allowedSources).toEqual(['tradingview', 'bot-7', 'custom.x']);
    expect(config.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('defaults RATE_LIMIT_BURST to RATE_LIMIT_RPS and honours an explicit burst', () => {
    expect(loadConfig({ RATE_LIMIT_RPS: '20' }).security.rateLimitBurst).toBe(20);
    expect(loadConfig({ RATE_LIMIT_RPS: '20', RATE_LIMIT_BURST: '100' }).security.rateLimitBurst).toBe(100);
  });

  describe('production secret', () => {
    it('refuses ENV=production without API_KEY_HMAC_SECRET, naming the variable', () => {
      expect(configErrorOf({ ENV: 'production' }).message).toContain('API_KEY_HMAC_SECRET');
    });

    it('accepts ENV=production with a secret, and never uses the development one', () => {
      const config = loadConfig({ ENV: 'production', API_KEY_HMAC_SECRET: 'prod-secret' });
      expect(config.security.secrets).toEqual(['prod-secret']);
      expect(config.usesDevelopmentSecret).toBe(false);
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
    it('needs TRADINGVIEW_PASSPHRASE when TRADINGVIEW_AUTH=token', () => {
      expect(configErrorOf({ TRADINGVIEW_AUTH: 'token' }).message).toContain('TRADINGVIEW_PASSPHRASE');
    });

    it('refuses TRADINGVIEW_AUTH=token, which this version does not serve, rather than ignore it', () => {
      expect(configErrorOf({ TRADINGVIEW_AUTH: 'token', TRADINGVIEW_PASSPHRASE: 'pp' }).message).toContain(
        'TRADINGVIEW_AUTH',
      );
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
