import { eventSchemaEntries, Schemas } from '@gateway/contracts';
import type { JetStreamManager, NatsConnection } from 'nats';
import { NatsFailure } from './nats-failure';
import type { NatsModuleOptions } from './nats.options';
import { SchemaRegistry } from './schema-registry';

/** A registry bucket in memory: what SchemaRegistry reads and creates through nats.js. */
function fakeNats(stored: Map<string, string>, bucketExists = true) {
  const kv = {
    get: (key: string) =>
      Promise.resolve(
        stored.has(key)
          ? { operation: 'PUT', value: Buffer.from(stored.get(key)!), string: () => stored.get(key)! }
          : null,
      ),
    create: (key: string, value: string) => Promise.resolve(void stored.set(key, value)),
  };
  const nc = { jetstream: () => ({ views: { kv: () => Promise.resolve(kv) } }) } as unknown as NatsConnection;
  const notFound = Object.assign(new Error('stream not found'), { api_error: { err_code: 10059 } });
  const jsm = {
    streams: { info: () => (bucketExists ? Promise.resolve({}) : Promise.reject(notFound)) },
  } as unknown as JetStreamManager;
  return { nc, jsm };
}

const registryWith = (provision: boolean) =>
  new SchemaRegistry({
    provision,
    replicas: 1,
    publishTimeoutMs: 500,
    schemaRegistry: { bucket: 'spec-schemas', schemas: eventSchemaEntries('v1') },
  } as Partial<NatsModuleOptions> as NatsModuleOptions);

describe('SchemaRegistry', () => {
  it('registers what the registry lacks, then checks events against the registry copy', async () => {
    const stored = new Map<string, string>();
    const registry = registryWith(true);
    const { nc, jsm } = fakeNats(stored);

    await registry.ensure(nc, jsm);

    expect([...stored.keys()].sort()).toEqual(['signals.dlq.v1', 'signals.normalized.v1', 'signals.raw.v1']);
    const broken = { schema: Schemas.normalized, price: 'not a number' } as never;
    expect(() => registry.assertValid(broken)).toThrow(
      /^the signals.normalized.v1 event does not match the registry's schema: .*; price must be a number or null$/,
    );
  });

  it('names the id and the first difference when the registry holds another schema', async () => {
    const entries = eventSchemaEntries('v1');
    const stored = new Map(entries.map(({ id, schema }) => [id, JSON.stringify(schema)]));
    const normalized = JSON.parse(stored.get('signals.normalized.v1')!) as { required: string[] };
    stored.set(
      'signals.normalized.v1',
      JSON.stringify({ ...normalized, required: [...normalized.required, 'extra'] }),
    );
    const { nc, jsm } = fakeNats(stored);

    const found = await registryWith(true)
      .ensure(nc, jsm)
      .catch((err: unknown) => err);

    expect(found).toBeInstanceOf(NatsFailure);
    expect(found).toMatchObject({
      kind: 'schema_mismatch',
      message: expect.stringMatching(
        /^schema registry spec-schemas holds another signals.normalized.v1 than this build publishes \(a released schema never changes\): \S.*$/,
      ),
    });
  });

  it('with NATS_PROVISION=false creates nothing and says what is missing', async () => {
    const stored = new Map<string, string>();
    const noBucket = fakeNats(stored, false);
    const emptyBucket = fakeNats(stored);

    await expect(registryWith(false).ensure(noBucket.nc, noBucket.jsm)).rejects.toMatchObject({
      kind: 'schema_missing',
      message: expect.stringContaining('schema registry spec-schemas does not exist; NATS_PROVISION=false'),
    });
    await expect(registryWith(false).ensure(emptyBucket.nc, emptyBucket.jsm)).rejects.toMatchObject({
      kind: 'schema_missing',
      message: expect.stringContaining('schema registry spec-schemas has no signals.raw.v1'),
    });
    expect(stored.size).toBe(0);
  });

  it('refuses every event before the registry was read', () => {
    expect(() => registryWith(true).assertValid({ schema: Schemas.raw } as never)).toThrow(
      'no registered schema signals.raw.v1',
    );
  });
});
