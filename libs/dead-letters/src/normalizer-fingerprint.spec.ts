import type { SourceRegistry } from '@gateway/sources-core';
import { normalizerFingerprint } from './normalizer-fingerprint';

/** The part of a SourceRegistry the fingerprint reads: the served routes and their payload schemas. */
const registryOf = (schemas: Record<string, object>) =>
  ({
    routes: Object.keys(schemas),
    find: (route: string) => ({ payloadSchema: schemas[route] }),
  }) as unknown as SourceRegistry;

describe('normalizerFingerprint', () => {
  const sources = registryOf({ tradingview: { type: 'object' }, example: { type: 'object' } });

  it('is the same for the same build, whatever the order the sources were found in', () => {
    const reordered = registryOf({ example: { type: 'object' }, tradingview: { type: 'object' } });

    expect(normalizerFingerprint('abc123', sources)).toBe(normalizerFingerprint('abc123', reordered));
  });

  it('changes with the build revision: a new build may have fixed any normalizer', () => {
    expect(normalizerFingerprint('abc123', sources)).not.toBe(normalizerFingerprint('def456', sources));
  });

  it('changes with a payload schema or the list of sources, even without a revision', () => {
    const stricter = registryOf({
      tradingview: { type: 'object', required: ['ticker'] },
      example: { type: 'object' },
    });
    const fewer = registryOf({ tradingview: { type: 'object' } });

    expect(normalizerFingerprint('unknown', stricter)).not.toBe(normalizerFingerprint('unknown', sources));
    expect(normalizerFingerprint('unknown', fewer)).not.toBe(normalizerFingerprint('unknown', sources));
  });
});
