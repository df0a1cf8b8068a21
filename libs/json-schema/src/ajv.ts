import Ajv2020, { type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonSchema, ValidationIssue } from '@gateway/contracts';

/**
 * The one Ajv configuration of the platform, for event and payload schemas alike: draft 2020-12,
 * formats (`uuid`, `date-time`) checked, and every error reported, so one answer names every problem.
 * `fast` checks formats by their shape alone (no calendar arithmetic): for what the gateway writes
 * itself on every request (an event's ids and `toISOString()` times), where `full` cost more than
 * the rest of the event's validation.
 */
export function createAjv(formats: 'full' | 'fast' = 'full'): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  addFormats(ajv, { mode: formats });
  return ajv;
}

/** Compiles a schema with `ajv`; throws when it is not a valid JSON Schema. */
export function compileSchema(ajv: Ajv2020, schema: JsonSchema): ValidateFunction {
  return ajv.compile(schema as SchemaObject);
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** `/signal/side` -> `signal.side`; the document itself is `root`. */
function fieldOf(instancePath: string, child: unknown, root: string): string {
  const parts = instancePath.split('/').slice(1);
  if (typeof child === 'string') parts.push(child);
  return parts.length > 0 ? parts.map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.') : root;
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'type': {
      const types = String(params.type).split(',');
      return `must be ${types.map((t) => ARTICLE[t] ?? t).join(' or ')}`;
    }
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'additionalProperties':
      return 'is not allowed';
    case 'format':
      return `must be a valid ${String(params.format)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** Ajv's errors as the platform's validation issues: a dotted field path and a message a sender understands. */
export function issuesOf(
  errors: readonly ErrorObject[] | null | undefined,
  root = 'body',
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    const params = error.params as Record<string, unknown>;
    const child = error.keyword === 'required' ? params.missingProperty : params.additionalProperty;
    const issue = { field: fieldOf(error.instancePath, child, root), message: messageOf(error) };
    const key = `${issue.field}\n${issue.message}`;
    if (!seen.has(key)) issues.push(issue);
    seen.add(key);
  }
  return issues;
}
