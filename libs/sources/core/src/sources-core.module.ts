import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ServedSources } from '@gateway/contracts';
import { NormalizationPipe } from './normalization.pipe';
import { SourceNormalizer } from './source.normalizer';
import { SourceRegistry } from './source.registry';

/**
 * The source registry and the pieces every source route shares. Global: the registry is the one
 * list of sources (ServedSources) the security library prepares each route's verification from.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    SourceRegistry,
    { provide: ServedSources, useExisting: SourceRegistry },
    SourceNormalizer,
    NormalizationPipe,
  ],
  exports: [SourceRegistry, ServedSources, SourceNormalizer, NormalizationPipe],
})
export class SourcesCoreModule {}
