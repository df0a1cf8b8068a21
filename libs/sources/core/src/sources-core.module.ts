import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { NormalizationPipe } from './normalization.pipe';
import { SourceNormalizer } from './source.normalizer';
import { SourceRegistry } from './source.registry';

/** The source registry and the pieces every source route shares. */
@Module({
  imports: [DiscoveryModule],
  providers: [SourceRegistry, SourceNormalizer, NormalizationPipe],
  exports: [SourceRegistry, SourceNormalizer, NormalizationPipe],
})
export class SourcesCoreModule {}
