import 'reflect-metadata';
import { Injectable, Module, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { NormalizationResult, SourceAdapter } from '@gateway/contracts';
import { WebhookContext } from '@gateway/webhook';
import { SourceNormalizer } from './source.normalizer';
import { SourceRegistry } from './source.registry';
import { SourcesCoreModule } from './sources-core.module';
import { WebhookSource } from './webhook-source.decorator';

/** A source whose every member can be set per test. */
function sourceClass(over: Partial<SourceAdapter> = {}): Type<SourceAdapter> {
  @WebhookSource()
  @Injectable()
  class TestSource implements SourceAdapter {
    readonly route = over.route ?? 'bot';
    readonly contentTypes = over.contentTypes ?? ['application/json'];
    readonly verification = over.verification ?? (['hmac'] as const);
    readonly secretFields = over.secretFields;
    readonly idempotencyField = over.idempotencyField;
    readonly payloadSchema = over.payloadSchema ?? {
      type: 'object',
      required: ['signal'],
      properties: { signal: { type: 'object', properties: { size: { type: 'number' } } } },
    };
    normalized: Record<string, unknown>[] = [];

    sourceId(webhook: WebhookContext): string {
      return over.sourceId ? over.sourceId(webhook) : this.route;
    }

    normalize(payload: Record<string, unknown>): NormalizationResult {
      this.normalized.push(payload);
      return { ok: false, errors: [{ field: 'normalizer', message: 'ran' }] };
    }
  }
  return TestSource;
}

async function registryOf(...sources: Type<SourceAdapter>[]) {
  @Module({ providers: sources })
  class Sources {}
  const moduleRef = await Test.createTestingModule({ imports: [SourcesCoreModule, Sources] }).compile();
  await moduleRef.init();
  return moduleRef;
}

const webhookWith = (body: string, route = 'bot'): WebhookContext => {
  const webhook = new WebhookContext(route, 'corr-1', { 'content-type': 'application/json' });
  webhook.body = Buffer.from(body);
  return webhook;
};

describe('SourceRegistry', () => {
  it('finds every @WebhookSource() provider by its route', async () => {
    const moduleRef = await registryOf(sourceClass({ route: 'bot' }), sourceClass({ route: 'other.bot' }));
    const registry = moduleRef.get(SourceRegistry);
    expect(registry.routes.sort()).toEqual(['bot', 'other.bot']);
    expect(registry.find('bot')?.route).toBe('bot');
    expect(registry.find('nope')).toBeUndefined();
  });

  it.each<[string, Partial<SourceAdapter>, RegExp]>([
    ['a route that is no source id', { route: 'a/b' }, /route "a\/b"/],
    ['no verification', { verification: [] as unknown as ['hmac'] }, /verification must list one or more/],
    [
      'a verification that is no scheme',
      { verification: ['hmac', 7] as unknown as ['hmac'] },
      /verification 7 is not a scheme name or a token profile/,
    ],
    [
      'a token profile without a field',
      { verification: [{ scheme: 'token', addresses: [] }] as unknown as ['hmac'] },
      /is not a scheme name or a token profile/,
    ],
    [
      'a token field that is not a secret field',
      { verification: [{ scheme: 'token', field: 'passphrase', addresses: ['192.0.2.1'] }] },
      /token field "passphrase" must be one of its secretFields/,
    ],
    ['an empty idempotency field', { idempotencyField: '' }, /idempotencyField must name a payload field/],
    ['no media type', { contentTypes: [] }, /takes no media type/],
    ['a payload schema that is not of an object', { payloadSchema: { type: 'string' } }, /JSON object/],
    [
      'an invalid payload schema',
      { payloadSchema: { type: 'object', required: 'x' } },
      /not a valid JSON Schema/,
    ],
  ])('refuses to start with a source that has %s', async (_, over, message) => {
    await expect(registryOf(sourceClass(over))).rejects.toThrow(message);
  });

  it('refuses two sources on one route', async () => {
    await expect(registryOf(sourceClass(), sourceClass())).rejects.toThrow(
      /\/webhooks\/bot is already served/,
    );
  });

  it('finds the source speaking for a stored event: by route, else by what the payload names', async () => {
    const named = (webhook: WebhookContext) =>
      (JSON.parse(webhook.body.toString()) as { source: string }).source;
    const moduleRef = await registryOf(
      sourceClass({ route: 'bot' }),
      sourceClass({ route: 'named', sourceId: named }),
    );
    const registry = moduleRef.get(SourceRegistry);
    expect(registry.speakingFor('bot', webhookWith('{"source":"x"}'))?.route).toBe('bot');
    expect(registry.speakingFor('acme', webhookWith('{"source":"acme"}'))?.route).toBe('named');
    expect(registry.speakingFor('acme', webhookWith('{"source":"other"}'))).toBeUndefined();
  });
});

describe('SourceNormalizer', () => {
  let normalizer: SourceNormalizer;
  let source: SourceAdapter & { normalized: unknown[] };

  beforeAll(async () => {
    const moduleRef = await registryOf(sourceClass());
    normalizer = moduleRef.get(SourceNormalizer);
    source = moduleRef.get(SourceRegistry).find('bot') as SourceAdapter & { normalized: unknown[] };
  });

  beforeEach(() => (source.normalized.length = 0));

  it.each([
    ['not JSON', '{"ticker":', 'is not valid JSON'],
    ['plain text', 'ticker=X', 'is plain text, not JSON: a signal is a JSON object'],
    ['not an object', '[1]', 'must be a JSON object'],
  ])('refuses a body that is %s, naming the body', (_, body, message) => {
    expect(normalizer.normalize(source, webhookWith(body))).toEqual({
      ok: false,
      errors: [{ field: 'body', message }],
    });
    expect(source.normalized).toEqual([]);
  });

  it("lists every payload schema violation by path, and never runs the source's normalizer on them", () => {
    expect(normalizer.normalize(source, webhookWith('{"signal":{"size":"2"}}'))).toEqual({
      ok: false,
      errors: [{ field: 'signal.size', message: 'must be a number' }],
    });
    expect(normalizer.normalize(source, webhookWith('{}'))).toEqual({
      ok: false,
      errors: [{ field: 'signal', message: 'is required' }],
    });
    expect(source.normalized).toEqual([]);
  });

  it("hands a payload that fits the schema to the source's normalizer", () => {
    expect(normalizer.normalize(source, webhookWith('{"signal":{"size":2}}'))).toEqual({
      ok: false,
      errors: [{ field: 'normalizer', message: 'ran' }],
    });
    expect(source.normalized).toEqual([{ signal: { size: 2 } }]);
  });
});
