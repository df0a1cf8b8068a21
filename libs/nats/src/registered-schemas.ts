import type { JsonSchema } from '@gateway/contracts';
import { connect, type ConnectionOptions } from 'nats';

/**
 * The registry's documents of `ids` (NATS KV bucket `bucket`, keyed by schema id), read once
 * over a connection of their own, for a consumer that validates what it receives by the
 * `Event-Schema` header. Throws one line naming what is missing.
 */
export async function readRegisteredSchemas(
  connection: ConnectionOptions,
  bucket: string,
  ids: readonly string[],
): Promise<Map<string, JsonSchema>> {
  const nc = await connect({ ...connection, timeout: 5000 });
  try {
    // Bound, not created: the registry belongs to the gateway (or its owners); direct gets off,
    // so reads need only `$JS.API.STREAM.MSG.GET.KV_<bucket>`.
    const kv = await nc
      .jetstream({ checkAPI: false })
      .views.kv(bucket, { bindOnly: true, allow_direct: false });
    const schemas = new Map<string, JsonSchema>();
    for (const id of ids) {
      const entry = await kv.get(id).catch((err: Error) => {
        throw new Error(`schema registry ${bucket} cannot be read: ${err.message}`);
      });
      if (entry === null || entry.operation !== 'PUT')
        throw new Error(`schema registry ${bucket} has no ${id}`);
      schemas.set(id, entry.json<JsonSchema>());
    }
    return schemas;
  } finally {
    await nc.close();
  }
}
