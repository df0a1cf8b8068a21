import 'reflect-metadata';
import { loadConfig } from './load-config';
import { configErrorOf } from './load-config.fixtures';

describe('loadConfig', () => {
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
});
