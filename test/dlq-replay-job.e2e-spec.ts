import { ExampleSourceModule } from '@gateway/sources-example';
import { SOURCE_MODULES } from '@gateway/sources-catalog';
import { readFileSync } from 'node:fs';
import { loadReplayConfig } from '../apps/dlq-replay/src/config/replay-config';
import { replayDeadLetters } from '../apps/dlq-replay/src/replay';
import { TestCa } from './support/certs';
import { exampleAlert } from './support/example-alert';
import { FixedExampleSourceModule } from './support/fixed-example-source';
import { SECRET, TestGateway } from './support/gateway';
import { ADMIN, gatewayUsers } from './support/gateway-users';
import { MountedSecret } from './support/mounted-secret';
import { TestNatsServer } from './support/nats-server';
import { containerEnv, containerOf, gatewaySecret, type Manifest, one, render } from './support/rendered';
import { post, signed } from './support/signing';
import { StreamReader } from './support/stream';

// The DLQ replay Job as shipped (deploy/k8s/overlays/production-dlq-replay): the gateway's
// ConfigMap, Secrets and image, no address of its own, and its own least-privilege NATS user of
// deploy/nats/gateway-users.conf, run against a secured (TLS + users) nats-server.
const GATEWAY_PASSWORD = 'gw-password-5e1d';
const REPLAY_PASSWORD = 'replay-password-77a2';

describe('DLQ replay Job (deploy/k8s/overlays/production-dlq-replay)', () => {
  const manifests = render('deploy/k8s/overlays/production-dlq-replay');
  const job = one(manifests, 'Job', 'at-gateway-dlq-replay');
  const deployment = one(manifests, 'Deployment', 'at-gateway');
  const ca = new TestCa();
  const secrets = new MountedSecret();
  const natsFiles = new MountedSecret();
  let nats: TestNatsServer;
  let gateway: TestGateway;

  /** The pod's variables, its Secrets' files the test's, NATS the test's own server. */
  const envOf = (workload: Manifest) => ({
    ...containerEnv(manifests, containerOf(workload), {
      '/etc/at-gateway/secrets': secrets.dir,
      '/etc/at-gateway/nats': natsFiles.dir,
    }),
    NATS_URL: `tls://127.0.0.1:${nats.port}`,
  });

  beforeAll(async () => {
    const cert = ca.server();
    const users = gatewayUsers({ gateway: GATEWAY_PASSWORD, replay: REPLAY_PASSWORD });
    nats = await new TestNatsServer(
      `tls { cert_file: "${cert.cert}", key_file: "${cert.key}" }\n${users}`,
    ).start();
    secrets.update(
      gatewaySecret({
        API_KEY_HMAC_SECRET: SECRET,
        NATS_PASSWORD: GATEWAY_PASSWORD,
        DLQ_REPLAY_NATS_PASSWORD: REPLAY_PASSWORD,
      }),
    );
    natsFiles.update({ 'ca.crt': readFileSync(ca.ca.cert, 'utf8') });
    gateway = await new TestGateway(
      {
        ...envOf(deployment),
        // One test server, not a three-node cluster; and the example source, to dead-letter a signal.
        NATS_STREAM_REPLICAS: '1',
        ALLOWED_SOURCES: 'tradingview,example',
        MANAGEMENT_PORT: '',
        LOG_LEVEL: 'silent',
        // The key comes from its file (API_KEY_HMAC_SECRET_FILE), not the test gateway's default.
        API_KEY_HMAC_SECRET: '',
      },
      [...SOURCE_MODULES, ExampleSourceModule],
    ).start();
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    await nats?.dispose();
    secrets.dispose();
    natsFiles.dispose();
    ca.dispose();
  });

  it("runs the gateway's image with the gateway's ConfigMap and Secrets, and no NATS address of its own", () => {
    const container = containerOf(job);
    expect(container.image).toBe(containerOf(deployment).image);
    expect(container.envFrom).toEqual(containerOf(deployment).envFrom);
    expect(container.env!.map((e) => e.name)).not.toContain('NATS_URL');
    const secretsOf = (w: Manifest) =>
      (w.spec.template.spec.volumes as { secret?: { secretName: string } }[]).map(
        (v) => v.secret?.secretName,
      );
    expect(secretsOf(job)).toEqual(['at-gateway-secrets', 'at-gateway-nats']);
    // `kubectl create -l app.kubernetes.io/component=dlq-replay` (docs/deployment.md) creates the Job alone.
    const selected = manifests.filter(
      (m) => m.metadata.labels?.['app.kubernetes.io/component'] === 'dlq-replay',
    );
    expect(selected.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['Job/at-gateway-dlq-replay']);
  });

  it('replays a dead letter under its own NATS user over TLS: a dry run first, then once, never twice', async () => {
    const body = exampleAlert({ side: 'exit' });
    const dead = await post(`${gateway.url}/webhooks/example`, body, {
      'content-type': 'application/json',
      ...signed(SECRET, body),
    });
    expect(dead.status).toBe(422);

    const env = envOf(job);
    expect(env).toMatchObject({ NATS_USER: 'at-gateway-dlq-replay', DLQ_REPLAY_DRY_RUN: 'true' });
    const fixed = [...SOURCE_MODULES, FixedExampleSourceModule];
    const replay = (over: Record<string, string> = {}) =>
      replayDeadLetters(loadReplayConfig({ ...env, LOG_LEVEL: 'silent', ...over }), fixed);

    expect(await replay()).toMatchObject({ dry_run: true, recovered: 1 });
    expect(await replay({ DLQ_REPLAY_DRY_RUN: 'false' })).toMatchObject({ dry_run: false, recovered: 1 });
    expect(await replay({ DLQ_REPLAY_DRY_RUN: 'false' })).toMatchObject({ entries: 0, recovered: 0 });

    const stream = await StreamReader.open(nats.url.replace('nats:', 'tls:'), 'trading-events', {
      ...ADMIN,
      tls: { caFile: ca.ca.cert },
    });
    try {
      const normalized = (await stream.about(dead.json.raw_event_id)).filter(
        (m) => m.subject === 'signals.normalized',
      );
      expect(normalized).toHaveLength(1);
    } finally {
      await stream.close();
    }
  }, 30_000);
});
