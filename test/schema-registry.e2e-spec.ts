import { eventSchemaEntries, type JsonSchema } from '@gateway/contracts';
import { connect, type KV, type NatsConnection } from 'nats';
import { GatewayProcess } from './support/gateway-process';
import { SECRET, TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { sendSigned, tradingViewAlert } from './support/signing';
import { StreamReader } from './support/stream';

// docs/contract.md 7.4: the event schemas live in a NATS KV bucket keyed by schema id; the gateway
// registers its own, publishes every event with `Event-Schema: <id>`, and will not become ready
// beside a registry that holds another document under an id it publishes.
const STREAM = 'e2e-registry';
const SCHEMAS = eventSchemaEntries('v1');
const NORMALIZED = SCHEMAS.find((s) => s.id === 'signals.normalized.v1')!;

/** signals.normalized.v1 as another build would have it: `price` a string. */
function tampered(): JsonSchema {
  const schema = structuredClone(NORMALIZED.schema) as { properties: Record<string, JsonSchema> };
  schema.properties.price = { type: 'string' };
  return schema;
}

describe('the schema registry', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  const bucket = (name: string): Promise<KV> => nc.jetstream().views.kv(name, { bindOnly: true });

  // A server per case below: each gateway provisions its own stream over signals.>.
  const startNats = async () => {
    nats = await new TestNatsServer().start();
    nc = await connect({ servers: nats.url });
  };
  const stopNats = async () => {
    await nc?.close();
    await nats?.dispose();
  };

  describe('a provisioning gateway', () => {
    let gateway: TestGateway;
    let stream: StreamReader;

    beforeAll(async () => {
      await startNats();
      gateway = await new TestGateway({ NATS_URL: nats.url, NATS_STREAM: STREAM }).start();
      stream = await StreamReader.open(nats.url, STREAM);
    });

    afterAll(async () => {
      await stream?.close();
      await gateway?.stop();
      await stopNats();
    });

    it('fills the registry (at-schemas) with the schemas it publishes, keyed by schema id', async () => {
      const registry = await bucket('at-schemas');
      const keys: string[] = [];
      for await (const key of await registry.keys()) keys.push(key);

      expect(keys.sort()).toEqual(['signals.dlq.v1', 'signals.normalized.v1', 'signals.raw.v1']);
      for (const { id, schema } of SCHEMAS) expect((await registry.get(id))!.json()).toEqual(schema);
    });

    it('publishes every event with Event-Schema: its schema id', async () => {
      const accepted = await sendSigned(gateway.url, 'tradingview', tradingViewAlert());
      const refused = await sendSigned(gateway.url, 'tradingview', tradingViewAlert({ action: 'hold' }));
      expect([accepted.status, refused.status]).toEqual([202, 422]);

      const stored = [
        ...(await stream.about(accepted.json.event_id)),
        ...(await stream.about(refused.json.raw_event_id)),
      ];
      expect(stored.map((m) => [m.subject, m.headers['event-schema']]).sort()).toEqual([
        ['signals.dlq', 'signals.dlq.v1'],
        ['signals.normalized', 'signals.normalized.v1'],
        ['signals.raw', 'signals.raw.v1'],
        ['signals.raw', 'signals.raw.v1'],
      ]);
    });

    it('started again, finds its schemas registered and leaves them as they are', async () => {
      const registry = await bucket('at-schemas');
      const before = await registry.get(NORMALIZED.id);
      await gateway.stop();
      gateway = await new TestGateway({ NATS_URL: nats.url, NATS_STREAM: STREAM }).start();

      expect((await registry.get(NORMALIZED.id))!.revision).toBe(before!.revision);
    });
  });

  describe('a registry holding another schema under an id the gateway publishes', () => {
    let gateway: GatewayProcess;
    const name = 'e2e-tampered-schemas';
    const ready = () => fetch(`${gateway.url}/readyz`).then((r) => r.status);

    beforeAll(async () => {
      await startNats();
      const registry = await nc.jetstream().views.kv(name);
      await registry.create(NORMALIZED.id, JSON.stringify(tampered()));
      gateway = await new GatewayProcess({
        NATS_URL: nats.url,
        NATS_STREAM: 'e2e-registry-tampered',
        SCHEMA_REGISTRY_BUCKET: name,
        API_KEY_HMAC_SECRET: SECRET,
        ENV: 'test',
      }).start({ waitForReady: false });
    });

    afterAll(async () => {
      await gateway?.stop();
      await stopNats();
    });

    const REASON =
      'schema registry e2e-tampered-schemas holds another signals.normalized.v1 than this build publishes (a released schema never changes): /properties/price: type changed from ["null","number"] to "string"';

    it('keeps the gateway not ready, with a one-line reason in /readyz, /healthz and the log', async () => {
      const logged = () =>
        gateway.logLines().some((l) => typeof l.msg === 'string' && l.msg.includes(REASON));
      while (!logged()) await new Promise((r) => setTimeout(r, 50));

      expect(await ready()).toBe(503);
      const readyz = (await (await fetch(`${gateway.url}/readyz`)).json()) as { detail: string };
      expect(readyz.detail).toContain('(schema_mismatch)');
      const health = (await (await fetch(`${gateway.url}/healthz`)).json()) as {
        nats_failing: { cause: string; message: string };
      };
      expect(health.nats_failing).toMatchObject({ cause: 'schema_mismatch', message: REASON });
      expect(REASON).not.toContain('\n');
      const errors = gateway.logLines().filter((l) => typeof l.msg === 'string' && l.msg.includes(REASON));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ level: 'error' });
      // Nothing of the registry was overwritten.
      expect((await (await bucket(name)).get(NORMALIZED.id))!.json()).toEqual(tampered());
    });

    it('answers webhooks 503 meanwhile, and stores nothing', async () => {
      const reply = await sendSigned(gateway.url, 'tradingview', tradingViewAlert());

      expect(reply.status).toBe(503);
      const jsm = await nc.jetstreamManager();
      expect((await jsm.streams.info('e2e-registry-tampered')).state.messages).toBe(0);
    });

    it('becomes ready once the registry holds the released schema again', async () => {
      await (await bucket(name)).put(NORMALIZED.id, JSON.stringify(NORMALIZED.schema));

      while ((await ready()) !== 200) await new Promise((r) => setTimeout(r, 50));
      expect((await sendSigned(gateway.url, 'tradingview', tradingViewAlert())).status).toBe(202);
    });
  });
});
