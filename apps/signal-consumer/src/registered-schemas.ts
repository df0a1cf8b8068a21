import { type JsonSchema, Subjects } from '@gateway/contracts';
import { compileSchema, createAjv, type EventCheck, issuesOf } from '@gateway/json-schema';
import { natsConnectionOptions, readRegisteredSchemas } from '@gateway/nats';
import type { ValidateFunction } from 'ajv';
import type { ConsumerConfig } from './config/consumer-config';

/**
 * The schemas this consumer checks events against: the registry's (docs/contract.md 7.4), not a copy
 * built into it, read and compiled once at start. An event names its schema in the
 * `Event-Schema` header; the consumer handles the one it is written against.
 */
export class RegisteredSchemas {
  private constructor(private readonly byId: ReadonlyMap<string, ValidateFunction>) {}

  /** Reads `signals.normalized.<EVENT_SCHEMA_VERSION>` from the registry; throws one line when it cannot. */
  static async load(config: ConsumerConfig): Promise<RegisteredSchemas> {
    const id = `${Subjects.normalized}.${config.eventSchemaVersion}`;
    const connection = natsConnectionOptions(config.servers, config.name, config.auth);
    return RegisteredSchemas.of(await readRegisteredSchemas(connection, config.schemaRegistryBucket, [id]));
  }

  static of(schemas: ReadonlyMap<string, JsonSchema>): RegisteredSchemas {
    const ajv = createAjv();
    return new RegisteredSchemas(
      new Map([...schemas].map(([id, schema]) => [id, compileSchema(ajv, schema)])),
    );
  }

  check(schemaId: string | undefined, event: unknown): EventCheck {
    if (!schemaId) return { ok: false, errors: [{ field: 'Event-Schema', message: 'is missing' }] };
    const validate = this.byId.get(schemaId);
    if (!validate) {
      const handled = [...this.byId.keys()].join(', ');
      return {
        ok: false,
        errors: [{ field: 'Event-Schema', message: `is ${schemaId}; this consumer handles ${handled}` }],
      };
    }
    return validate(event) ? { ok: true } : { ok: false, errors: issuesOf(validate.errors, 'event') };
  }
}
