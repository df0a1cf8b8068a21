// @ts-check
/**
 * Who may import whom, as ESLint configuration: a forbidden import fails `npm run lint`.
 * eslint.config.mjs spreads `importBoundaries`; lint/import-boundaries.spec.ts proves each rule
 * reports what it forbids. CommonJS so that both ESLint and jest can load it.
 *
 *  - contracts import nothing of ours;
 *  - sources (libs/sources/*) never import nats, security or ingress, and only the catalog
 *    lists sources;
 *  - security and nats never import sources;
 *  - webhook and json-schema import contracts alone;
 *  - libraries never import apps, no app imports another app, and no relative import leaves its
 *    library or app (another library is reached only through its `@gateway/<lib>` index);
 *  - no import of a package's internal build paths (`dist/`, `lib/`), whose layout is not its API.
 */
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
// Files of the repository root any unit may read (an app reporting its own version).
const ROOT_FILES = new Set(['package.json']);

/** A library's or app's folder (its unit); relative imports stay inside it. */
function unitOf(file) {
  const rel = path.relative(ROOT, path.resolve(ROOT, file)).split(path.sep).join('/');
  const match = /^(apps\/[^/]+|libs\/sources\/[^/]+|libs\/[^/]+)\//.exec(rel);
  return match ? match[1] : undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const noRelativeEscape = {
  meta: {
    type: 'problem',
    docs: { description: 'A relative import never leaves its library or app.' },
    schema: [],
    messages: {
      intoApp:
        "'{{spec}}' reaches into {{target}}: a library never imports an app, and no app imports another.",
      acrossLibs: "'{{spec}}' leaves {{unit}}: import another library through its @gateway/<lib> index.",
    },
  },
  create(context) {
    const unit = unitOf(context.filename);
    if (!unit) return {};
    const dir = path.dirname(path.resolve(ROOT, context.filename));
    /** @param {any} node the string literal naming the module */
    const check = (node) => {
      if (!node || typeof node.value !== 'string' || !node.value.startsWith('.')) return;
      const target = path.relative(ROOT, path.resolve(dir, node.value)).split(path.sep).join('/');
      if (target === unit || target.startsWith(`${unit}/`) || ROOT_FILES.has(target)) return;
      const app = /^apps\/[^/]+/.exec(target);
      context.report({
        node,
        messageId: app ? 'intoApp' : 'acrossLibs',
        data: { spec: node.value, unit, target: app ? app[0] : target },
      });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      /** @param {any} node `import x = require('...')` */
      TSExternalModuleReference: (node) => check(node.expression),
    };
  },
};

// Documented entry points that happen to live under dist/ (Ajv's JSON Schema 2020-12 class).
const PUBLIC_DIST_PATHS = ['ajv/dist/2020'];

/** Patterns every file of ours obeys. */
const COMMON = [
  {
    regex: `^(?!(?:${PUBLIC_DIST_PATHS.join('|')})$)(?:@[^/]+/)?[^@./][^/]*/(?:.+/)?(?:dist|lib)(?:/|$)`,
    message: "A package's internal build path is not its API: import the package's entry point.",
  },
  {
    regex: '^@gateway/[^/]+/',
    message: 'A library is imported only through its index: @gateway/<lib>, no deeper path.',
  },
  {
    regex: '^(?:apps|libs|test)(?:/|$)',
    message: 'No imports through the root baseUrl: @gateway/<lib> for a library; apps are never imported.',
  },
];

const ours = {
  regex: '^@gateway/',
  message: 'contracts import nothing of ours: it is the layer everything else builds on.',
};
const sourcesNever = {
  regex: '^@gateway/(?:nats|security|ingress)$',
  message: 'A source never imports nats, security or ingress: it maps payloads, the core does the rest.',
};
const notTheCatalog = {
  regex: '^@gateway/sources-catalog$',
  message: 'Only the apps read the catalog of sources; a source never lists the others.',
};
const onlyContracts = {
  regex: '^@gateway/(?!contracts$)',
  message:
    'webhook and json-schema build on contracts alone: the libraries that use them import them, never the reverse.',
};
const noSources = {
  regex: '^@gateway/sources-',
  message: 'security and nats never import sources: sources plug into them, not the other way round.',
};

/** @param {string[]} files @param {object[]} patterns @param {string[]} [ignores] */
const restrict = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns: [...COMMON, ...patterns] }] },
});

// One entry per kind of folder: for a file, ESLint takes the last entry that sets a rule whole, so
// each entry lists every pattern that applies to its files.
const importBoundaries = [
  { plugins: { boundaries: { rules: { 'no-relative-escape': noRelativeEscape } } } },
  { files: ['apps/**/*.ts', 'libs/**/*.ts'], rules: { 'boundaries/no-relative-escape': 'error' } },
  restrict(['apps/**/*.ts', 'libs/**/*.ts', 'test/**/*.ts', 'lint/**/*.ts'], []),
  restrict(['libs/contracts/**/*.ts'], [ours]),
  restrict(['libs/sources/**/*.ts'], [sourcesNever, notTheCatalog], ['libs/sources/catalog/**']),
  restrict(['libs/sources/catalog/**/*.ts'], [sourcesNever]),
  restrict(['libs/security/**/*.ts', 'libs/nats/**/*.ts'], [noSources]),
  restrict(['libs/webhook/**/*.ts', 'libs/json-schema/**/*.ts'], [onlyContracts]),
];

module.exports = { importBoundaries, noRelativeEscape };
