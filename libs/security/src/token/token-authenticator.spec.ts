import { ProblemException } from '@gateway/contracts';
import { WebhookContext } from '@gateway/webhook';
import { AddressAllowlist } from './address-allowlist';
import { TokenAuthenticator } from './token-authenticator';

const TRADINGVIEW = ['52.89.214.238', '34.212.75.30', '54.218.53.128', '52.32.178.7'];

describe('AddressAllowlist', () => {
  const list = new AddressAllowlist([...TRADINGVIEW, '10.1.0.0/16', '2001:db8::/32']);

  it.each(['52.89.214.238', '::ffff:52.89.214.238', '10.1.200.3', '2001:db8::7'])('allows %s', (address) => {
    expect(list.allows(address)).toBe(true);
  });

  it.each(['52.89.214.239', '127.0.0.1', '10.2.0.1', '2001:db9::1', '', undefined, 'not-an-ip'])(
    'refuses %p',
    (address) => {
      expect(list.allows(address)).toBe(false);
    },
  );

  it.each(['52.89.214', 'example.com', '10.0.0.0/33', '::/129'])('cannot be built from %p', (entry) => {
    expect(() => new AddressAllowlist([entry])).toThrow(entry);
  });
});

describe('TokenAuthenticator', () => {
  const profile = {
    route: 'tradingview',
    allowedAddresses: TRADINGVIEW,
    passphrases: ['old-pass', 'new-pass'],
    field: 'passphrase',
    timeFields: ['timenow', 'time'],
  };
  // A window wide enough for the fixed signal times below.
  const token = new TokenAuthenticator(profile, 10 * 365 * 86400);
  const FROM_TRADINGVIEW = '52.32.178.7';

  const webhookOf = (body: string) => {
    const webhook = new WebhookContext('tradingview', 'corr', {});
    webhook.body = Buffer.from(body);
    return webhook;
  };
  const problemOf = (body: string) => {
    try {
      token.authenticate(webhookOf(body));
    } catch (err) {
      expect(err).toBeInstanceOf(ProblemException);
      return (err as ProblemException).problem;
    }
    throw new Error('authenticated');
  };

  it('accepts any configured passphrase (rotation) from an allowed address', () => {
    for (const passphrase of ['old-pass', 'new-pass']) {
      expect(token.authenticate(webhookOf(JSON.stringify({ passphrase })))).toEqual({
        timestamp: undefined,
      });
    }
  });

  it('403 address_not_allowed from another address, from the address alone (before the body is read)', () => {
    expect(() => token.precheck('tradingview', FROM_TRADINGVIEW)).not.toThrow();
    try {
      token.precheck('tradingview', '203.0.113.7');
      throw new Error('let in');
    } catch (err) {
      expect((err as ProblemException).problem).toMatchObject({ status: 403, code: 'address_not_allowed' });
    }
  });

  it.each(['{"ticker":"X"}', 'plain text alert', '[1]', '{"passphrase":'])(
    '401 missing_passphrase for %p',
    (body) => {
      expect(problemOf(body)).toMatchObject({ status: 401, code: 'missing_passphrase' });
    },
  );

  it.each([
    '{"passphrase":"new-pas"}',
    '{"passphrase":"new-pass "}',
    '{"passphrase":""}',
    '{"passphrase":7}',
  ])('401 invalid_passphrase for %p, never echoing it', (body) => {
    const problem = problemOf(body);
    expect(problem).toMatchObject({ status: 401, code: 'invalid_passphrase' });
    expect(JSON.stringify(problem)).not.toContain('new-pas');
  });

  it.each([
    [{ timenow: '2026-11-27T12:00:00Z', time: '2026-11-27T00:00:00Z' }, 1795780800],
    [{ time: '2026-11-27T12:00:00+01:00' }, 1795777200],
    [{ timenow: 1795780800 }, 1795780800],
    [{ timenow: '1795780800000' }, 1795780800],
    [{ timenow: 'around noon' }, undefined],
  ])('takes the signal time for the replay window from %o', (fields, timestamp) => {
    const body = JSON.stringify({ passphrase: 'new-pass', ...fields });
    expect(token.authenticate(webhookOf(body)).timestamp).toBe(timestamp);
  });

  it('401 stale_timestamp for a signal time outside the replay window, after the passphrase', () => {
    const strict = new TokenAuthenticator(profile, 300);
    const stale = JSON.stringify({ passphrase: 'new-pass', timenow: Date.now() - 302_000 });
    const fresh = JSON.stringify({ passphrase: 'new-pass', timenow: Date.now() });
    expect(() => strict.authenticate(webhookOf(stale))).toThrow('outside the replay window');
    expect(strict.authenticate(webhookOf(fresh)).timestamp).toBeDefined();
  });
});
