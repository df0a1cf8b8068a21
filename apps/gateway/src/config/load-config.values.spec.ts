import 'reflect-metadata';
import { loadConfig } from './load-config';
import { configErrorOf } from './load-config.fixtures';

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
