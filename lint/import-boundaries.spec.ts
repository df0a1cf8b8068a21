import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

// The same entries eslint.config.mjs spreads (CommonJS, so jest loads it as ESLint does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { importBoundaries } = require('./import-boundaries') as { importBoundaries: Linter.Config[] };

// Boundaries only, without type information: the files below exist only as text here, so they
// can neither break `npm run lint` and `typecheck` nor need a tsconfig.
const config: Linter.Config[] = [
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  ...importBoundaries,
];
const linter = new Linter({ configType: 'flat' });

/** The rule ids that report on `code` as if it were the file at `filename` (relative to the repo). */
function reported(filename: string, code: string): string[] {
  return linter.verify(code, config, { filename }).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('import boundaries (eslint.config.mjs)', () => {
  it.each([
    [
      'contracts import nothing of ours',
      'libs/contracts/src/x.ts',
      "import { connect } from '@gateway/nats';",
    ],
    [
      'a source never imports nats',
      'libs/sources/tradingview/src/x.ts',
      "import { NatsModule } from '@gateway/nats';",
    ],
    [
      'a source never imports security',
      'libs/sources/custom/src/x.ts',
      "import type { X } from '@gateway/security';",
    ],
    [
      'a source never imports ingress',
      'libs/sources/core/src/x.ts',
      "export { IngressModule } from '@gateway/ingress';",
    ],
    [
      'a source never imports the catalog',
      'libs/sources/example/src/x.ts',
      "import '@gateway/sources-catalog';",
    ],
    [
      'the catalog never imports nats',
      'libs/sources/catalog/src/x.ts',
      "import { NatsModule } from '@gateway/nats';",
    ],
    [
      'security never imports sources',
      'libs/security/src/token/x.ts',
      "import { X } from '@gateway/sources-core';",
    ],
    ['nats never imports sources', 'libs/nats/src/x.ts', "import { X } from '@gateway/sources-tradingview';"],
    ['webhook builds on contracts alone', 'libs/webhook/src/x.ts', "import { X } from '@gateway/security';"],
    [
      'json-schema builds on contracts alone',
      'libs/json-schema/src/x.ts',
      "import { X } from '@gateway/nats';",
    ],
    [
      'no deep path into a library',
      'apps/gateway/src/x.ts',
      "import { X } from '@gateway/nats/jetstream-acks';",
    ],
    [
      'no dist path of a package',
      'libs/security/src/x.ts',
      "import type { R } from '@nestjs/throttler/dist/x.interface';",
    ],
    ['no lib path of a package', 'libs/nats/src/x.ts', "import { X } from 'nats/lib/nats-base-client/core';"],
    ['no dist path in tests either', 'test/x.e2e-spec.ts', "import { X } from 'ajv-formats/dist/formats';"],
    [
      'no import through the baseUrl',
      'libs/ingress/src/x.ts',
      "import { X } from 'apps/gateway/src/app.module';",
    ],
  ])('reports: %s', (_name, filename, code) => {
    expect(reported(filename, code)).toEqual(['no-restricted-imports']);
  });

  it.each([
    [
      'a library never imports an app',
      'libs/ingress/src/x.ts',
      "import { X } from '../../../apps/gateway/src/main';",
    ],
    [
      'no app imports another app',
      'apps/dlq-replay/src/x.ts',
      "import type { X } from '../../gateway/src/sources';",
    ],
    [
      'no ../ across libraries',
      'libs/sources/tradingview/src/x.ts',
      "import { X } from '../../core/src/payload-reader';",
    ],
    [
      'no ../ out of a library, even deep down',
      'libs/security/src/token/x.ts',
      "import { X } from '../../../nats/src';",
    ],
    [
      'no export from another library by path',
      'libs/health/src/x.ts',
      "export * from '../../contracts/src';",
    ],
    [
      'no dynamic import across apps',
      'apps/gateway/src/x.ts',
      "export const m = import('../../dlq-replay/src/main');",
    ],
  ])('reports: %s', (_name, filename, code) => {
    expect(reported(filename, code)).toEqual(['boundaries/no-relative-escape']);
  });

  it.each([
    [
      'a source reads core and contracts',
      'libs/sources/tradingview/src/x.ts',
      "import '@gateway/sources-core';\nimport '@gateway/contracts';",
    ],
    [
      'the catalog lists sources',
      'libs/sources/catalog/src/x.ts',
      "import { M } from '@gateway/sources-tradingview';",
    ],
    [
      'an app reads the catalog',
      'apps/dlq-replay/src/x.ts',
      "import { SOURCE_MODULES } from '@gateway/sources-catalog';",
    ],
    [
      'ingress reads security and sources',
      'libs/ingress/src/x.ts',
      "import '@gateway/security';\nimport '@gateway/sources-core';",
    ],
    [
      'a relative import inside its library',
      'libs/security/src/token/x.ts',
      "import { X } from '../security.options';",
    ],
    [
      'a file of the library beside src',
      'libs/contracts/src/x.ts',
      "import s from '../schemas/signals.raw.v1.json';",
    ],
    ['a documented dist entry point', 'libs/contracts/src/x.ts', "import Ajv2020 from 'ajv/dist/2020';"],
    ["a package's public subpath", 'libs/nats/src/x.ts', "import { map } from 'rxjs/operators';"],
    [
      "an app reads the repository's package.json",
      'apps/gateway/src/config/x.ts',
      "import pkg from '../../../../package.json';",
    ],
    ['tests reach into apps', 'test/support/x.ts', "import { X } from '../../apps/gateway/src/bootstrap';"],
  ])('allows: %s', (_name, filename, code) => {
    expect(reported(filename, code)).toEqual([]);
  });
});
