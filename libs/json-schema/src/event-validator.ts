import type { ValidateFunction } from 'ajv';
import {
  EVENT_SCHEMAS,
  type EventSchemaVersion,
  type JsonSchema,
  type ValidationIssue,
} from '@gateway/contracts';
import { compileSchema, createAjv, issuesOf } from './ajv';

export type EventCheck = { ok: true } | { ok: false; errors: ValidationIssue[] };

export interface EventCheckOptions {
  /**
   * Also refuse properties the schema does not declare. Consumers must ignore unknown
   * properties (the schemas allow them, so v1 can grow); producers' tests use `exact` so that
   * nothing is published that the schema does not document.
   */
  exact?: boolean;
}

/** Checks events against the JSON Schemas of one pinned version, chosen by the subject they came on. */
export class EventValidator {
  private readonly bySubject = new Map<string, { schema: JsonSchema; validate: ValidateFunction }>();

  constructor(readonly version: EventSchemaVersion) {
    const ajv = createAjv();
    for (const [subject, schema] of Object.entries(EVENT_SCHEMAS[version])) {
      this.bySubject.set(subject, { schema, validate: compileSchema(ajv, schema) });
    }
  }

  check(subject: string, event: unknown, { exact = false }: EventCheckOptions = {}): EventCheck {
    const entry = this.bySubject.get(subject);
    if (!entry) return { ok: false, errors: [{ field: 'subject', message: `${subject} carries no events` }] };
    const errors = entry.validate(event) ? [] : issuesOf(entry.validate.errors, 'event');
    if (exact) errors.push(...undeclared(entry.schema, event, []));
    return errors.length === 0 ? { ok: true } : { ok: false, errors };
  }
}

/** Properties present in `value` that `schema` does not declare (free-form objects, like `extra`, excepted). */
function undeclared(schema: JsonSchema, value: unknown, path: string[]): ValidationIssue[] {
  const { items, properties } = schema;
  if (Array.isArray(value) && isSchema(items)) {
    return value.flatMap((item, i) => undeclared(items, item, [...path, String(i)]));
  }
  if (!isSchema(properties) || typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    Object.hasOwn(properties, key) && isSchema(properties[key])
      ? undeclared(properties[key], child, [...path, key])
      : [{ field: [...path, key].join('.'), message: 'is not declared by the schema' }],
  );
}

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null;
