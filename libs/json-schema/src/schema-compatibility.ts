import type { JsonSchema } from '@gateway/contracts';

// Keywords that document but do not constrain: they may change freely within a version.
const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment', 'deprecated']);
// Compared structurally below rather than as a whole.
const STRUCTURAL = new Set(['properties', 'required', 'additionalProperties', 'items']);

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null;
const isOpen = (additional: unknown): boolean => additional === undefined || additional === true;
const sorted = (value: unknown): unknown => (Array.isArray(value) ? value.map(String).sort() : value);
// The same JSON, whatever the order of object keys (and of type and enum lists, see `sorted`).
const sameJson = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);
const canonical = (value: unknown): string | undefined =>
  JSON.stringify(value, (_, v: unknown) =>
    isSchema(v) && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
const namesIn = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const propertiesOf = (schema: JsonSchema): Record<string, unknown> =>
  isSchema(schema.properties) ? schema.properties : {};

/**
 * Why `next` would break a consumer of the `released` schema; empty when it is a compatible
 * revision. Stored events outlive schema revisions (a consumer may replay the stream from its
 * start), so a change must hold both ways: events valid under either schema stay valid under the
 * other. That leaves adding optional properties (where the released schema allows unknown ones)
 * and editing annotations; anything else needs a new version (`signals.<kind>.v2`).
 */
export function breakingChanges(released: JsonSchema, next: JsonSchema, at = ''): string[] {
  const problems: string[] = [];
  const here = at || '/';
  for (const keyword of new Set([...Object.keys(released), ...Object.keys(next)])) {
    if (ANNOTATIONS.has(keyword) || STRUCTURAL.has(keyword)) continue;
    const [before, after] = [sorted(released[keyword]), sorted(next[keyword])];
    if (!sameJson(before, after)) {
      problems.push(`${here}: ${keyword} changed from ${JSON.stringify(before)} to ${JSON.stringify(after)}`);
    }
  }
  problems.push(...requiredChanges(released, next, here));
  problems.push(...propertyChanges(released, next, at));
  problems.push(...additionalChanges(released, next, at));
  if (isSchema(released.items)) {
    problems.push(
      ...(isSchema(next.items)
        ? breakingChanges(released.items, next.items, `${at}/items`)
        : [`${at}/items: removed`]),
    );
  }
  return problems;
}

function requiredChanges(released: JsonSchema, next: JsonSchema, here: string): string[] {
  const before = new Set(namesIn(released.required));
  const after = new Set(namesIn(next.required));
  return [
    ...[...before].filter((p) => !after.has(p)).map((p) => `${here}: ${p} is no longer required`),
    ...[...after].filter((p) => !before.has(p)).map((p) => `${here}: ${p} is newly required`),
  ];
}

function propertyChanges(released: JsonSchema, next: JsonSchema, at: string): string[] {
  const [before, after] = [propertiesOf(released), propertiesOf(next)];
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(before)) {
    const path = `${at}/properties/${name}`;
    const revised = after[name];
    if (!Object.hasOwn(after, name)) problems.push(`${path}: removed`);
    else if (isSchema(schema) && isSchema(revised)) problems.push(...breakingChanges(schema, revised, path));
    else if (!sameJson(schema, revised)) problems.push(`${path}: changed`);
  }
  if (released.additionalProperties === false) {
    for (const name of Object.keys(after).filter((n) => !Object.hasOwn(before, n))) {
      problems.push(`${at}/properties/${name}: added where the released schema forbids unknown properties`);
    }
  }
  return problems;
}

function additionalChanges(released: JsonSchema, next: JsonSchema, at: string): string[] {
  const [before, after] = [released.additionalProperties, next.additionalProperties];
  const path = `${at}/additionalProperties`;
  if (isOpen(before) && isOpen(after)) return [];
  if (isOpen(before)) return [`${path}: tightened from true to ${JSON.stringify(after)}`];
  if (isSchema(before) && isSchema(after)) return breakingChanges(before, after, path);
  return sameJson(before, after)
    ? []
    : [`${path}: changed from ${JSON.stringify(before)} to ${JSON.stringify(after ?? true)}`];
}
