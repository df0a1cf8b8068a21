import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventSchemaEntry, GatewayEvent, JsonSchema } from '@gateway/contracts';
import { breakingChanges, compileSchema, createAjv, issuesOf } from '@gateway/json-schema';
import type { ValidateFunction } from 'ajv';
import type { JetStreamManager, KV, NatsConnection } from 'nats';
import { isDeepStrictEqual } from 'node:util';
import { jsonOrUndefined } from './json-bytes';
import { JsErrorCode, jsErrorCode } from './nats-error-code';
import { NatsFailure } from './nats-failure';
import { NATS_OPTIONS } from './nats.module-definition';
import type { NatsModuleOptions } from './nats.options';

/** SCHEMA_REGISTRY_BUCKET's default, the bucket every app of the platform reads. */
export const DEFAULT_SCHEMA_REGISTRY_BUCKET = 'at-schemas';

/** How many revisions of a schema id the bucket keeps: enough to see what replaced what. */
const HISTORY = 5;

/**
 * The event schemas in the registry (a NATS KV bucket keyed by schema id, docs/contract.md 7.4).
 * With NATS_PROVISION=true the gateway creates the bucket and registers the schemas it publishes;
 * with false it only reads them. Either way a registry that holds another document under an id
 * the gateway publishes keeps it from being ready: a released schema never changes, so two
 * builds that disagree about one must not both write events under its name. The events it
 * publishes are checked against the registry's copy, compiled once when it is first read.
 */
@Injectable()
export class SchemaRegistry {
  private readonly logger = new Logger('SchemaRegistry');
  /** Compiled validators by schema id: the id an event names in `schema` (the canary's events too). */
  private readonly byId = new Map<string, ValidateFunction>();
  /** The registry's bytes of each id last found equal to this build's schema: an unchanged value is not parsed again. */
  private readonly verified = new Map<string, string>();

  constructor(@Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions) {}

  get bucket(): string {
    return this.options.schemaRegistry.bucket;
  }

  /** Run by the provisioner at every (re)connect and check; throws a NatsFailure naming the finding. */
  async ensure(nc: NatsConnection, jsm: JetStreamManager): Promise<void> {
    const kv = await this.open(nc, jsm);
    for (const entry of this.options.schemaRegistry.schemas) await this.ensureSchema(kv, entry);
  }

  /**
   * The request path's check of an event against the registry's copy of the schema it names: one
   * compiled validator call. Throws (a 500, nothing stored) for an event the registry refuses.
   */
  assertValid(event: GatewayEvent): void {
    const { schema } = event;
    const validate = this.byId.get(schema);
    if (validate === undefined) throw new Error(`no registered schema ${schema}`);
    if (validate(event)) return;
    const errors = issuesOf(validate.errors, 'event').map((i) => `${i.field} ${i.message}`);
    throw new Error(`the ${schema} event does not match the registry's schema: ${errors.join('; ')}`);
  }

  private async open(nc: NatsConnection, jsm: JetStreamManager): Promise<KV> {
    const { provision, replicas, publishTimeoutMs } = this.options;
    const views = nc.jetstream({ timeout: publishTimeoutMs, checkAPI: false }).views;
    // Without direct gets, reads go through `$JS.API.STREAM.MSG.GET`, one subject to grant.
    if (await this.exists(jsm)) return views.kv(this.bucket, { bindOnly: true, allow_direct: false });
    if (!provision) {
      throw new NatsFailure(
        'schema_missing',
        `schema registry ${this.bucket} does not exist; NATS_PROVISION=false, so it is not created (docs/events.md)`,
      );
    }
    const kv = await views.kv(this.bucket, { history: HISTORY, replicas, allow_direct: false });
    this.logger.log(`schema registry ${this.bucket} created: ${replicas} replica(s)`);
    return kv;
  }

  private async exists(jsm: JetStreamManager): Promise<boolean> {
    try {
      await jsm.streams.info(`KV_${this.bucket}`);
      return true;
    } catch (err) {
      if (jsErrorCode(err) === JsErrorCode.StreamNotFound) return false;
      throw err;
    }
  }

  private async ensureSchema(kv: KV, { id, schema }: EventSchemaEntry): Promise<void> {
    let stored = await kv.get(id);
    if (stored === null || stored.operation !== 'PUT') {
      if (!this.options.provision) {
        throw new NatsFailure(
          'schema_missing',
          `schema registry ${this.bucket} has no ${id}; NATS_PROVISION=false, so it is not registered (docs/events.md)`,
        );
      }
      // create() refuses an id another replica registered meanwhile: that one is then compared.
      await kv.create(id, JSON.stringify(schema)).then(
        () => this.logger.log(`registered ${id} in schema registry ${this.bucket}`),
        (err: unknown) => {
          if (jsErrorCode(err) !== JsErrorCode.WrongLastSequence) throw err;
        },
      );
      stored = await kv.get(id);
    }
    const text = stored?.string() ?? '';
    if (this.verified.get(id) === text) return;
    const registered = jsonOrUndefined(stored?.value ?? new Uint8Array()) as JsonSchema | undefined;
    if (!isDeepStrictEqual(registered, schema)) {
      throw new NatsFailure('schema_mismatch', mismatch(this.bucket, id, registered, schema));
    }
    // The registry's copy is what events are checked against; compiled the first time only.
    // Formats by shape (`fast`): the request path checks every event it writes, whose ids and
    // times the gateway made itself; the full calendar check of a date cost more than the rest.
    if (!this.byId.has(id)) this.byId.set(id, compileSchema(createAjv('fast'), registered!));
    this.verified.set(id, text);
  }
}

/** One line: which id differs, and the first difference when the registry's copy is a schema at all. */
function mismatch(bucket: string, id: string, registered: JsonSchema | undefined, ours: JsonSchema): string {
  const what =
    registered === undefined || typeof registered !== 'object'
      ? 'a value that is not a JSON Schema'
      : (breakingChanges(ours, registered)[0] ?? 'annotations differ');
  return `schema registry ${bucket} holds another ${id} than this build publishes (a released schema never changes): ${what}`;
}
