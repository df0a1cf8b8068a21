#!/usr/bin/env node
// npm run new-source -- <id> [--auth hmac|standard-webhooks|token|github|stripe]
//                          [--sample <payload.json>] [--field <canonical>=<path> ...]
//
// Creates libs/sources/<id> (adapter, payload schema, normalizer, module, unit spec) and
// test/<id>-source.e2e-spec.ts from the templates in scripts/new-source/templates, shaped after
// the sender's sample payload (else the example source's nested one): its schema, the field
// mapping guessed by name (each guess marked `TODO(new-source)`), and specs that hold the
// normalizer to the sample. Registers the module in the catalog of sources with one import and one
// list entry, and formats what it wrote with Prettier, so the tree stays lint-clean.
// See docs/adding-a-source.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUTH_KINDS } from './new-source/auth-kinds.mjs';
import { CANONICAL, DEFAULT_SAMPLE, mappingOf } from './new-source/payload-shape.mjs';
import { shapeValues } from './new-source/shape-values.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TEMPLATES = join(ROOT, 'scripts/new-source/templates');
// Lower-case words joined by single dashes: a route, a folder, a `@gateway/sources-<id>` import
// and a class name (acme-bot -> AcmeBotSource) alike.
const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_ID = 48;
// Folders under libs/sources that are not sources, and routes the gateway serves already.
const RESERVED = ['core', 'catalog'];
const CATALOGS = [
  { file: 'libs/sources/catalog/src/source-catalog.ts', importPath: '@gateway/sources-catalog' },
  { file: 'apps/gateway/src/sources.ts', importPath: '../apps/gateway/src/sources' },
];

function refuse(message) {
  process.stderr.write(`new-source: ${message}\n`);
  process.exit(1);
}

const USAGE =
  'usage: npm run new-source -- <id> [--auth <kind>] [--sample <payload.json>] [--field <canonical>=<path>]';

function parseArgs(argv) {
  const args = { id: undefined, auth: 'hmac', sample: undefined, fields: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (name === '--auth') args.auth = value();
    else if (name === '--sample') args.sample = value();
    else if (name === '--field') {
      const [field, path] = (value() ?? '').split('=');
      if (!CANONICAL.includes(field) || !path)
        refuse(`--field takes <canonical>=<path>, canonical one of ${CANONICAL.join(', ')}`);
      args.fields[field] = path;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n  (docs/adding-a-source.md)\n`);
      process.exit(0);
    } else if (arg.startsWith('-')) refuse(`unknown option ${arg}; ${USAGE}`);
    else if (args.id === undefined) args.id = arg;
    else refuse(`one source id at a time (got "${args.id}" and "${arg}")`);
  }
  if (args.id === undefined) refuse(USAGE);
  if (!Object.hasOwn(AUTH_KINDS, args.auth ?? '')) {
    refuse(`--auth must be one of ${Object.keys(AUTH_KINDS).join(', ')} (got "${args.auth}")`);
  }
  return args;
}

/** The file serving `/webhooks/<id>` already, if any. */
function servedBy(id) {
  const sources = join(ROOT, 'libs/sources');
  for (const folder of readdirSync(sources)) {
    const src = join(sources, folder, 'src');
    if (!existsSync(src)) continue;
    for (const file of readdirSync(src).filter((f) => f.endsWith('.source.ts'))) {
      const text = readFileSync(join(src, file), 'utf8');
      if (text.includes(`readonly route = '${id}'`)) return relative(ROOT, join(src, file));
    }
  }
  return undefined;
}

function checkId(id) {
  if (!ID.test(id) || id.length > MAX_ID) {
    refuse(
      `"${id}" is not a source id: 1-${MAX_ID} lower-case letters, digits and single dashes, starting with a letter (e.g. acme-bot)`,
    );
  }
  if (RESERVED.includes(id)) refuse(`"${id}" is reserved (libs/sources/${id} is not a source)`);
  if (existsSync(join(ROOT, 'libs/sources', id))) refuse(`libs/sources/${id} already exists`);
  const file = servedBy(id);
  if (file) refuse(`/webhooks/${id} is already served by ${file}`);
  if (existsSync(join(ROOT, `test/${id}-source.e2e-spec.ts`)))
    refuse(`test/${id}-source.e2e-spec.ts already exists`);
}

/** The sender's sample payload: a JSON object in a file. */
function sampleOf(file) {
  if (file === undefined) return DEFAULT_SAMPLE;
  let sample;
  try {
    sample = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? 'not valid JSON' : err.message;
    refuse(`--sample ${file}: ${why} (it must hold one JSON object, as the sender posts it)`);
  }
  if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) {
    refuse(`--sample ${file}: must be a JSON object, as the sender posts it`);
  }
  return sample;
}

function fill(template, values) {
  let text = readFileSync(join(TEMPLATES, template), 'utf8');
  // The kind's snippets first: they hold the names below.
  for (const [key, value] of Object.entries(values.kind)) text = text.replaceAll(`__${key}__`, value);
  for (const [key, value] of Object.entries(values.names)) text = text.replaceAll(`__${key}__`, value);
  const left = /__[A-Z][A-Z_]*__/.exec(text);
  if (left) throw new Error(`${template}: ${left[0]} was not filled`);
  return text;
}

/** One import and one list entry in the catalog; Prettier lays the list out afterwards. */
function register(catalog, className, id) {
  const path = join(ROOT, catalog.file);
  const text = readFileSync(path, 'utf8');
  const list = /(export const SOURCE_MODULES[^=]*=\s*\[)([\s\S]*?)(\]\s*;)/.exec(text);
  if (!list) refuse(`${catalog.file} has no SOURCE_MODULES list to add ${className} to`);
  const entries = list[2].trim().replace(/,$/, '');
  const withEntry = text.replace(list[0], `${list[1]}${entries ? `${entries}, ` : ''}${className}${list[3]}`);
  const imports = [...withEntry.matchAll(/^import [^;]+;$/gm)];
  const at = imports.length ? imports.at(-1).index + imports.at(-1)[0].length : 0;
  const line = `import { ${className} } from '@gateway/sources-${id}';`;
  writeFileSync(
    path,
    `${withEntry.slice(0, at)}${at ? '\n' : ''}${line}${at ? '' : '\n'}${withEntry.slice(at)}`,
  );
  return path;
}

function main() {
  const { id, auth, sample: sampleFile, fields } = parseArgs(process.argv.slice(2));
  checkId(id);
  const sample = sampleOf(sampleFile);
  let shape;
  try {
    shape = mappingOf(sample, fields);
  } catch (err) {
    refuse(`--sample ${sampleFile ?? '(the default)'}: ${err.message}`);
  }
  const catalog = CATALOGS.find((c) => existsSync(join(ROOT, c.file)));
  if (!catalog) refuse(`no catalog of sources found (${CATALOGS.map((c) => c.file).join(' or ')})`);
  const className = id.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());
  const names = {
    CATALOG_IMPORT: catalog.importPath,
    TITLE: id,
    CLASS: className,
    CONST: id.toUpperCase().replaceAll('-', '_'),
    ID: id,
  };
  Object.assign(names, shapeValues(sample, shape, { id, token: auth === 'token' }));
  const values = { kind: AUTH_KINDS[auth](), names };
  const dir = join(ROOT, 'libs/sources', id, 'src');
  const files = {
    [`${id}.module.ts`]: 'module.ts.tmpl',
    [`${id}.source.ts`]: 'source.ts.tmpl',
    [`${id}.normalizer.ts`]: 'normalizer.ts.tmpl',
    [`${id}.normalizer.spec.ts`]: 'normalizer.spec.ts.tmpl',
    [`${id}.payload.schema.json`]: 'payload.schema.json.tmpl',
  };
  const written = [];
  mkdirSync(dir, { recursive: true });
  for (const [name, template] of Object.entries(files)) {
    writeFileSync(join(dir, name), fill(template, values));
    written.push(join(dir, name));
  }
  const index = [`${id}.module`, `${id}.source`, `${id}.normalizer`].map((m) => `export * from './${m}';\n`);
  writeFileSync(join(dir, 'index.ts'), index.join(''));
  written.push(join(dir, 'index.ts'));
  const e2e = join(ROOT, `test/${id}-source.e2e-spec.ts`);
  writeFileSync(e2e, fill('e2e-spec.ts.tmpl', values));
  written.push(e2e, register(catalog, `${className}SourceModule`, id));
  execFileSync(join(ROOT, 'node_modules/.bin/prettier'), ['--log-level', 'warn', '--write', ...written], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const rel = (p) => relative(ROOT, p);
  process.stdout.write(
    [
      `new-source: /webhooks/${id} (verification: ${auth}; payload: ${sampleFile ?? 'the example shape'})`,
      ...mappedLines(shape),
      ...written.map((p) => `  ${rel(p)}`),
      '',
      'Next:',
      `  npx jest libs/sources/${id}                                          # its unit spec`,
      `  npx jest --config test/jest-e2e.config.js --runInBand ${rel(e2e)}   # its end-to-end spec`,
      `  then: the TODO(new-source) comments (the mapping's judgement calls), ALLOWED_SOURCES, its secrets,`,
      `  and the path to production in docs/adding-a-source.md`,
      '',
    ].join('\n'),
  );
}

/** What was mapped from where, for the terminal. */
function mappedLines({ mapping, id }) {
  const mapped = CANONICAL.map((f) => `${f} <- ${mapping[f]?.path ?? '(none: null, TODO)'}`);
  return [`  mapping: ${mapped.join(', ')}; idempotency key <- ${id ?? '(none: the body hash, TODO)'}`];
}

main();
