import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { isSourceId } from '@gateway/contracts';
import { SourceRegistry, SourcesCoreModule } from '@gateway/sources-core';
import { DEFAULT_ALLOWED_SOURCES, SOURCE_MODULES, SOURCE_SETTINGS } from './source-catalog';

describe('the source catalog', () => {
  let registry: SourceRegistry;

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      imports: [SourcesCoreModule, ...SOURCE_MODULES],
    }).compile();
    await module.init();
    registry = module.get(SourceRegistry);
  });

  // The configuration checks a source's choice of verification against its settings, before any
  // adapter exists; the verifiers then serve what the adapter declares: they must be one list.
  it.each(SOURCE_SETTINGS.map((settings) => [settings.route, settings] as const))(
    'declares the settings of %s for a source it serves, with the verifications its adapter declares',
    (route, settings) => {
      expect(registry.find(route)?.verification).toBe(settings.verification);
    },
  );

  it('declares each route and each variable once', () => {
    const routes = SOURCE_SETTINGS.map((s) => s.route);
    const variables = SOURCE_SETTINGS.flatMap((s) => [
      s.verificationVariable,
      s.token?.passphrasesVariable,
      s.token?.addressesVariable,
    ]).filter(Boolean);
    expect(new Set(routes).size).toBe(routes.length);
    expect(new Set(variables).size).toBe(variables.length);
  });

  it('allows by default only source ids it serves', () => {
    for (const id of DEFAULT_ALLOWED_SOURCES) {
      expect(isSourceId(id)).toBe(true);
      expect(registry.find(id)).toBeDefined();
    }
  });
});
