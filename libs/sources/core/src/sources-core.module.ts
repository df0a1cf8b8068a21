import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { NormalizationPipe } from './normalization.pipe';
import { SourceRegistry } from './source.registry';
import { SourceRouteGuard } from './source-route.guard';

/** The source registry and the pieces every source route shares. */
@Module({
  imports: [DiscoveryModule],
  providers: [SourceRegistry, SourceRouteGuard, NormalizationPipe],
  exports: [SourceRegistry, SourceRouteGuard, NormalizationPipe],
})
export class SourcesCoreModule {}
