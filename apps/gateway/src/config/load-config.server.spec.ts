import 'reflect-metadata';
import { loadConfig } from './load-config';
import { configErrorOf } from './load-config.fixtures';

describe('loadConfig', () => {
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

  describe('MANAGEMENT_PORT', () => {
    it('is off by default, and may not be PORT', () => {
      expect(loadConfig({}).managementPort).toBeUndefined();
      expect(loadConfig({ MANAGEMENT_PORT: '8002' }).managementPort).toBe(8002);
      expect(configErrorOf({ MANAGEMENT_PORT: '8001' }).message).toBe(
        'MANAGEMENT_PORT must differ from PORT',
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
});
