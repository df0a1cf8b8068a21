import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { GatewayProcess } from './support/gateway-process';
import { KeyedSender } from './support/keyed-sender';
import { MountedSecret } from './support/mounted-secret';
import { TestNatsServer } from './support/nats-server';
import { post, signed, tradingViewAlert } from './support/signing';

const key = () => randomBytes(16).toString('hex');

// docs/contract.md 6.2: secrets from files, fail-closed environments, and what each port serves.
describe('secrets and exposure of the gateway process', () => {
  let nats: TestNatsServer;
  let secret: MountedSecret;
  const env = (more: Record<string, string>) => ({
    NATS_URL: nats.url,
    NATS_STREAM: 'e2e-secrets',
    ALLOWED_SOURCES: 'tradingview',
    ...more,
  });

  /** Starts a gateway that must refuse `more`; its whole output, which must be one line. */
  async function refusal(more: Record<string, string>): Promise<string> {
    const gateway = await new GatewayProcess(env(more)).start({ waitForReady: false });
    const { code } = await gateway.exited;
    const lines = gateway.output.join('').trim().split('\n');
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    return lines[0];
  }

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    secret = new MountedSecret();
  });
  afterAll(async () => {
    secret.dispose();
    await nats?.dispose();
  });

  describe('fail closed: only ENV development or test may use the development secret', () => {
    it.each(['production', 'staging', 'prod', 'Production', 'qa'])(
      'ENV=%s without a secret refuses to start',
      async (value) => {
        expect(await refusal({ ENV: value })).toMatch(
          /^at-gateway: invalid configuration: API_KEY_HMAC_SECRET \(or API_KEY_HMAC_SECRET_FILE\) is required when ENV=/,
        );
      },
    );

    it('ENV=TEST (any case) starts on the development secret, and says so', async () => {
      const gateway = await new GatewayProcess(env({ ENV: 'TEST', LOG_LEVEL: 'INFO' })).start();
      try {
        const sender = new KeyedSender(gateway.url);
        expect(await sender.send('dev-secret-change-me')).toBe(202);
        expect(gateway.output.join('')).toContain('using the development secret');
      } finally {
        await gateway.stop();
      }
    });
  });

  // Found by an attack on a running gateway: `real-secret,whsec_` started in production and `whsec_` signed as an empty key.
  it.each([
    ['an empty whsec_ key', 'whsec_', 'API_KEY_HMAC_SECRET key 2 is empty'],
    [
      'an undecodable whsec_ key',
      'whsec_%%%',
      'API_KEY_HMAC_SECRET key 2 starts with whsec_ but the rest is not base64',
    ],
    ['a short key', 'secret', 'API_KEY_HMAC_SECRET key 2 is shorter than 16 bytes'],
  ])(
    'refuses %s beside a good one, naming the variable and never the value',
    async (_what, weak, message) => {
      const good = key();
      const line = await refusal({ ENV: 'production', API_KEY_HMAC_SECRET: `${good},${weak}` });
      expect(line).toBe(`at-gateway: invalid configuration: ${message}`);
      expect(line).not.toContain(good.slice(0, 8));
    },
  );

  describe('every secret from a file (<NAME>_FILE)', () => {
    it('API_KEY_HMAC_SECRET_FILE and SOURCE_HMAC_SECRETS_FILE sign, in production', async () => {
      const [shared, own] = [key(), key()];
      secret.update({ API_KEY_HMAC_SECRET: `${shared}\n`, SOURCE_HMAC_SECRETS: `acme-bot:[acme-1]${own}\n` });
      const gateway = await new GatewayProcess(
        env({
          ENV: 'production',
          ALLOWED_SOURCES: 'tradingview,acme-bot',
          API_KEY_HMAC_SECRET_FILE: secret.path('API_KEY_HMAC_SECRET'),
          SOURCE_HMAC_SECRETS_FILE: secret.path('SOURCE_HMAC_SECRETS'),
        }),
      ).start();
      try {
        expect(await new KeyedSender(gateway.url).send(shared)).toBe(202);
        const body = JSON.stringify({ source: 'acme-bot', instrument: 'ETHUSDT', action: 'sell' });
        const headers = { 'content-type': 'application/json' };
        const asAcme = await post(`${gateway.url}/webhooks/custom`, body, {
          ...headers,
          ...signed(own, body),
        });
        expect(asAcme.status).toBe(202);
        const asShared = await post(`${gateway.url}/webhooks/custom`, body, {
          ...headers,
          ...signed(shared, body),
        });
        expect(asShared.status).toBe(401);
      } finally {
        await gateway.stop();
      }
    });

    it('TRADINGVIEW_PASSPHRASE_FILE authenticates the token profile', async () => {
      const passphrase = key();
      secret.update({ TRADINGVIEW_PASSPHRASE: passphrase });
      const gateway = await new GatewayProcess(
        env({
          TRADINGVIEW_AUTH: 'token',
          TRADINGVIEW_IPS: '127.0.0.1',
          TRADINGVIEW_PASSPHRASE_FILE: secret.path('TRADINGVIEW_PASSPHRASE'),
        }),
      ).start();
      try {
        const url = `${gateway.url}/webhooks/tradingview`;
        const headers = { 'content-type': 'application/json' };
        expect((await post(url, tradingViewAlert({ passphrase }), headers)).status).toBe(202);
        expect((await post(url, tradingViewAlert({ passphrase: 'guess' }), headers)).status).toBe(401);
      } finally {
        await gateway.stop();
      }
    });

    it.each([
      'API_KEY_HMAC_SECRET',
      'SOURCE_HMAC_SECRETS',
      'TRADINGVIEW_PASSPHRASE',
      'NATS_PASSWORD',
      'NATS_TOKEN',
    ])('refuses %s set both inline and as a file', async (name) => {
      writeFileSync(secret.path(`both-${name}`), 'from-the-file');
      const line = await refusal({ [name]: 'inline', [`${name}_FILE`]: secret.path(`both-${name}`) });
      expect(line).toBe(
        `at-gateway: invalid configuration: ${name} and ${name}_FILE are both set: set only one`,
      );
    });

    it.each(['NATS_PASSWORD', 'NATS_TOKEN'])('refuses a %s_FILE it cannot read', async (name) => {
      const line = await refusal({ [`${name}_FILE`]: secret.path('no-such-file') });
      expect(line).toBe(
        `at-gateway: invalid configuration: ${name}_FILE names a file that cannot be read (ENOENT)`,
      );
    });
  });

  describe('MANAGEMENT_PORT', () => {
    let gateway: GatewayProcess;
    beforeAll(async () => {
      gateway = await new GatewayProcess(env({ ENV: 'test' })).start({ managementPort: true });
    });
    afterAll(async () => {
      await gateway?.stop();
    });

    it.each(['/metrics', '/healthz', '/readyz', '/METRICS', '/metrics/'])(
      'serves %s on the management port and answers 404 on the public one',
      async (path) => {
        expect((await fetch(`${gateway.managementUrl}${path}`)).status).toBe(200);
        const pub = await fetch(`${gateway.url}${path}`);
        expect(pub.status).toBe(404);
        expect(pub.headers.get('content-type')).toContain('application/problem+json');
        expect(await pub.json()).toMatchObject({ code: 'not_found' });
      },
    );

    it('serves webhooks on the public port only', async () => {
      const sender = new KeyedSender(gateway.url);
      expect(await sender.send('dev-secret-change-me')).toBe(202);
      expect(await new KeyedSender(gateway.managementUrl).send('dev-secret-change-me')).toBe(404);
      const metrics = await (await fetch(`${gateway.managementUrl}/metrics`)).text();
      expect(metrics).toMatch(
        /^gateway_webhooks_verified_total\{source="tradingview",key="development"\} 1$/m,
      );
    });
  });
});
