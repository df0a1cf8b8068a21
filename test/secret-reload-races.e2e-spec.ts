import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayProcess } from './support/gateway-process';
import { metricValue } from './support/keyed-sender';
import { TestNatsServer } from './support/nats-server';
import { post, signed } from './support/signing';

const key = () => randomBytes(16).toString('hex');

// A source with keys of its own is never answered for by the shared keys, whatever happens to its
// key file: a rewrite racing a reload, or an update that drops its entry (docs/security.md).
describe('a source with its own keys, while its key file changes', () => {
  const SHARED = key();
  const OWN = key();
  const OTHER = key();
  let nats: TestNatsServer;
  let gateway: GatewayProcess;
  let dir: string;
  let file: string;

  /** A custom signal from `source`, signed with `secret`: its status. */
  const sendAs = async (source: string, secret: string) => {
    const body = JSON.stringify({ source, instrument: 'ETHUSDT', action: 'buy', id: randomUUID() });
    const reply = await post(`${gateway.url}/webhooks/custom`, body, {
      'content-type': 'application/json',
      ...signed(secret, body),
    });
    return reply.status;
  };

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-keys-'));
    file = join(dir, 'source-keys');
    writeFileSync(file, `acme-bot:[own]${OWN};beta-bot:[beta]${OTHER}\n`);
    gateway = await new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-secret-races',
      ENV: 'production',
      ALLOWED_SOURCES: 'acme-bot,beta-bot',
      RATE_LIMIT_RPS: '100000',
      API_KEY_HMAC_SECRET: `[shared]${SHARED}`,
      SOURCE_HMAC_SECRETS_FILE: file,
    }).start();
  });
  afterEach(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await nats?.dispose();
  });

  it('a rewrite in place racing SIGHUPs never lets the shared key speak for it', async () => {
    const content = `acme-bot:[own]${OWN};beta-bot:[beta]${OTHER}\n`;
    let racing = true;
    // The reproduction: truncate, 1 ms later write the same content, while SIGHUP comes every 7 ms.
    const rewrites = (async () => {
      while (racing) {
        writeFileSync(file, '');
        await new Promise((r) => setTimeout(r, 1));
        writeFileSync(file, content);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const hangUps = setInterval(() => gateway.signal('SIGHUP'), 7);
    const statuses: number[] = [];
    const senders = Array.from({ length: 4 }, async () => {
      while (racing) statuses.push(await sendAs('acme-bot', SHARED));
    });
    await new Promise((r) => setTimeout(r, 4000));
    racing = false;
    clearInterval(hangUps);
    await Promise.all([rewrites, ...senders]);

    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 401)).toEqual([]);
    // The file is whole again: a reload now puts exactly it in force.
    gateway.signal('SIGHUP');
    expect(await sendAs('acme-bot', SHARED)).toBe(401);
    expect(await sendAs('acme-bot', OWN)).toBe(202);
  }, 30_000);

  it('an update that drops its entry is refused: its own keys stay in force, an error is logged', async () => {
    const errors = () =>
      metricValue(gateway.url, 'gateway_secret_reload_errors_total', { variable: 'SOURCE_HMAC_SECRETS' });
    writeFileSync(file, `beta-bot:[beta]${OTHER}\n`);
    gateway.signal('SIGHUP');
    for (let waited = 0; (await errors()) < 1 && waited < 5000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }

    expect(await errors()).toBe(1);
    expect(await sendAs('acme-bot', SHARED)).toBe(401);
    expect(await sendAs('acme-bot', OWN)).toBe(202);
    const refusal = gateway.logLines().find((l) => String(l.msg).startsWith('secret reload refused'));
    expect(refusal).toMatchObject({ level: 'error', variable: 'SOURCE_HMAC_SECRETS' });
    expect(String(refusal!.reason)).toContain('acme-bot');
  });
});
