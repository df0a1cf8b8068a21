import dlqV1 from '../schemas/signals.dlq.v1.json';
import normalizedV1 from '../schemas/signals.normalized.v1.json';
import rawV1 from '../schemas/signals.raw.v1.json';
import type { JsonSchema } from './json-schema';
import { Subject, Subjects } from './subjects';

/** Every event schema version this build knows; a deployment pins one (EVENT_SCHEMA_VERSION). */
export const EVENT_SCHEMA_VERSIONS = ['v1'] as const;

export type EventSchemaVersion = (typeof EVENT_SCHEMA_VERSIONS)[number];

/** The committed JSON Schema of each subject's events, by version (libs/contracts/schemas). */
export const EVENT_SCHEMAS: Readonly<Record<EventSchemaVersion, Readonly<Record<Subject, JsonSchema>>>> = {
  v1: {
    [Subjects.raw]: rawV1,
    [Subjects.normalized]: normalizedV1,
    [Subjects.dlq]: dlqV1,
  },
};

export function isEventSchemaVersion(value: string): value is EventSchemaVersion {
  return (EVENT_SCHEMA_VERSIONS as readonly string[]).includes(value);
}

/** A published event schema: its registry id (`signals.normalized.v1`), its subject and its document. */
export interface EventSchemaEntry {
  readonly id: string;
  readonly subject: Subject;
  readonly schema: JsonSchema;
}

/** The schemas of one version, by registry id: the id an event names in `schema` and `Event-Schema`. */
export function eventSchemaEntries(version: EventSchemaVersion): EventSchemaEntry[] {
  return Object.entries(EVENT_SCHEMAS[version]).map(([subject, schema]) => ({
    id: `${subject}.${version}`,
    subject: subject as Subject,
    schema,
  }));
}
