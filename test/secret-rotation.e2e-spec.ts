import { randomBytes } from 'node:crypto';
import { GatewayProcess } from './support/gateway-process';
import { KeyedSender, metricValue } from './support/keyed-sender';
import { MountedSecret } from './support/mounted-secret';
import { TestNatsServer } from './support/nats-server';

const key = () => randomBytes(16).toString('hex');
const VERIFIED = 'gateway_webhooks_verified_total';
const RELOAD_ERRORS = 'gateway_secret_reload_errors_total';

/**
 * Any 12 characters of `secret` in `text`: a log line must not hold a key, whole or in part. Not
 * fewer: every line carries random hex (corr_id, event_id, traceparent), and over the thousands of
 * lines of a load an 8-character run of a hex key turns up in them by chance (about 1 in 100 runs).
 */
const PART = 12;
const leaks = (text: string, secret: string) =>
  Array.from({ length: secret.length - PART + 1 }, (_, i) => secret.slice(i, i + PART)).some((part) =>
    text.includes(part),
  );

// docs/security.md: rotating API_KEY_HMAC_SECRET_FILE in a mounted Secret, with no restart.
describe('secret rotation without a restart', () => {
  let nats: TestNatsServer;
  let secret: MountedSecret;
  let gateway: GatewayProcess;
  const start = (more: Record<string, string> = {}) =>
    new GatewayProcess({
      NATS_URL: nats.url,
      NATS_STREAM: 'e2e-rotation',
      ENV: 'production',
      ALLOWED_SOURCES: 'tradingview',
      RATE_LIMIT_RPS: '100000',
      API_KEY_HMAC_SECRET_FILE: secret.path('API_KEY_HMAC_SECRET'),
      ...more,
    }).start({ managementPort: true });

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
  });
  beforeEach(() => {
    secret = new MountedSecret();
  });
  afterEach(async () => {
    await gateway?.stop();
    secret.dispose();
  });
  afterAll(async () => {
    await nats?.dispose();
  });

  /**
   * Under steady signed load: add the new key, move the senders to it, remove the old one.
   * `apply` puts each step in force (the file watch, or SIGHUP). Every request of the load is
   * signed with a key valid at that moment, so every one must be accepted.
   */
  async function rotateUnderLoad(
    env: Record<string, string>,
    apply: (sender: KeyedSender, newKey: string) => Promise<void>,
  ) {
    const [oldKey, newKey] = [key(), key()];
    secret.update({ API_KEY_HMAC_SECRET: `[old]${oldKey}` });
    gateway = await start(env);
    const sender = new KeyedSender(gateway.url);
    let current = oldKey;
    let stop!: () => void;
    const load = sender.load(() => current, { concurrency: 4, stop: new Promise<void>((r) => (stop = r)) });

    secret.update({ API_KEY_HMAC_SECRET: `[old]${oldKey},[new]${newKey}` });
    await apply(sender, newKey);
    await sender.until(newKey, 202);
    current = newKey;
    await sender.drained(oldKey);
    secret.update({ API_KEY_HMAC_SECRET: `[new]${newKey}` });
    await apply(sender, newKey);
    await sender.until(oldKey, 401);
    await new Promise((r) => setTimeout(r, 300)); // some load after the removal, on the new key
    stop();
    const answers = await load;

    expect(answers.filter((a) => a.status !== 202)).toEqual([]);
    expect(answers.filter((a) => a.key === oldKey).length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.key === newKey).length).toBeGreaterThan(0);
    // The per-key counter: every accepted request, by the id of the key that signed it.
    const management = gateway.managementUrl;
    for (const [id, k] of [
      ['old', oldKey],
      ['new', newKey],
    ]) {
      expect(await metricValue(management, VERIFIED, { source: 'tradingview', key: id })).toBe(
        sender.accepted.get(k),
      );
    }
    // Each step logged once, with the ids now in force.
    await gateway.logSettled();
    const reloads = gateway
      .logLines()
      .filter((l) => String(l.msg).startsWith('secrets reloaded'))
      .map((l) => (l.keys as { shared: string[] }).shared);
    expect(reloads).toEqual([['old', 'new'], ['new']]);
    const logs = gateway.output.join('');
    expect(leaks(logs, oldKey) || leaks(logs, newKey)).toBe(false);
  }

  it('follows the mounted file: new keys verify within seconds, removed ones stop', async () => {
    await rotateUnderLoad({}, () => Promise.resolve());
  }, 60_000);

  it('reads the files again on SIGHUP (with the file watch off)', async () => {
    let steps = 0;
    await rotateUnderLoad({ SECRET_POLL_INTERVAL_MS: '0' }, async (sender, newKey) => {
      if (steps++ === 0) {
        // Without the signal the new key is not in force, however long the file has been there.
        await new Promise((r) => setTimeout(r, 1500));
        expect(await sender.send(newKey)).toBe(401);
      }
      gateway.signal('SIGHUP');
    });
  }, 60_000);

  it('keeps the last good keys when the file becomes empty, malformed, one key per line or unreadable', async () => {
    const good = key();
    secret.update({ API_KEY_HMAC_SECRET: `[good]${good}` });
    gateway = await start();
    const sender = new KeyedSender(gateway.url);
    const errors = () =>
      metricValue(gateway.managementUrl, RELOAD_ERRORS, { variable: 'API_KEY_HMAC_SECRET' });
    const bad = key();
    const broken: Record<string, string>[] = [
      { API_KEY_HMAC_SECRET: '\n' },
      { API_KEY_HMAC_SECRET: `[good]${good},whsec_` },
      { API_KEY_HMAC_SECRET: `[good]${good},${bad.slice(0, 10)}` },
      // One key per line: not a list the gateway reads (keys are separated by commas).
      { API_KEY_HMAC_SECRET: `[good]${good}\r\n[bad]${bad}\r\n` },
      {}, // the key is gone from the Secret: the file cannot be read
    ];
    for (const [i, keys] of broken.entries()) {
      secret.update(keys);
      const end = Date.now() + 10_000;
      while ((await errors()) < i + 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(await errors()).toBe(i + 1);
      expect(await sender.send(good)).toBe(202);
    }
    await gateway.logSettled();
    const refusals = gateway.logLines().filter((l) => String(l.msg).startsWith('secret reload refused'));
    expect(refusals.map((l) => l.reason)).toEqual([
      'API_KEY_HMAC_SECRET_FILE names a file that became empty',
      'API_KEY_HMAC_SECRET key 2 is empty',
      'API_KEY_HMAC_SECRET key 2 is shorter than 16 bytes',
      'API_KEY_HMAC_SECRET key good holds a control character (a line break?): separate keys with commas',
      'API_KEY_HMAC_SECRET_FILE names a file that cannot be read (ENOENT)',
    ]);
    expect(leaks(gateway.output.join(''), good) || leaks(gateway.output.join(''), bad)).toBe(false);

    // Repaired: the next good file is in force.
    const next = key();
    secret.update({ API_KEY_HMAC_SECRET: `[next]${next}` });
    await sender.until(next, 202);
    expect(await sender.send(good)).toBe(401);
  }, 60_000);
});
