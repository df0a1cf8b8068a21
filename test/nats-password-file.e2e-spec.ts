import { GatewayProcess } from './support/gateway-process';
import { SECRET } from './support/gateway';
import { MountedSecret } from './support/mounted-secret';
import { TestNatsServer } from './support/nats-server';
import { sendSigned, tradingViewAlert } from './support/signing';

// NATS_PASSWORD_FILE (like NATS_TOKEN_FILE, the creds and seed files) is read again at every
// (re)connect: a password rotated in the mounted Secret is used when the server asks again,
// without a restart. It is no webhook key: the secret reload neither logs nor counts it.
const users = (password: string) => `authorization { users = [ { user: gw, password: "${password}" } ] }`;

describe('NATS_PASSWORD_FILE rotation', () => {
  const secret = new MountedSecret();
  const servers: TestNatsServer[] = [];
  let gateway: GatewayProcess;

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(servers.map((s) => s.dispose()));
    secret.dispose();
  });

  it('connects with the new password after the rotation; no key reload is claimed', async () => {
    const before = await new TestNatsServer(users('old-password-1')).start();
    servers.push(before);
    secret.update({ NATS_PASSWORD: 'old-password-1' });
    gateway = await new GatewayProcess({
      NATS_URL: before.url,
      NATS_STREAM: 'e2e-nats-password',
      NATS_USER: 'gw',
      NATS_PASSWORD_FILE: secret.path('NATS_PASSWORD'),
      API_KEY_HMAC_SECRET: SECRET,
      SECRET_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: 'info',
    }).start({ managementPort: true });
    expect((await sendSigned(gateway.url, 'tradingview', tradingViewAlert())).status).toBe(202);

    // The rotation: the Secret first, then the server, which drops the old sessions.
    secret.update({ NATS_PASSWORD: 'new-password-2' });
    const after = new TestNatsServer(users('new-password-2'));
    after.port = before.port;
    servers.push(after);
    await before.stop();
    await after.start();

    let status = 0;
    for (const end = Date.now() + 15_000; status !== 202 && Date.now() < end;) {
      status = (await sendSigned(gateway.url, 'tradingview', tradingViewAlert())).status;
      if (status !== 202) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(202);

    const claimed = gateway.logLines().filter((l) => String(l.msg).startsWith('secrets reloaded'));
    expect(claimed).toEqual([]);
    const metrics = await (await fetch(`${gateway.managementUrl}/metrics`)).text();
    expect(metrics).not.toMatch(/gateway_secret_reloads_total\{[^}]*NATS_PASSWORD/);
  }, 40_000);
});
