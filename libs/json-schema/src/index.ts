// JSON Schema tooling shared by the libraries that validate: the one Ajv configuration, events
// checked against their committed schemas, and the compatibility rule between schema revisions.
export { compileSchema, createAjv, issuesOf } from './ajv';
export * from './event-validator';
export { breakingChanges } from './schema-compatibility';
