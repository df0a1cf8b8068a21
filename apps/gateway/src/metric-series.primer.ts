import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { WebhookInstruments } from '@gateway/observability';
import { SourceRegistry } from '@gateway/sources-core';

export const PRIMED_SOURCES = Symbol('PRIMED_SOURCES');

/**
 * Every source known at start, allowed ids and served routes (the two values a webhook's
 * `source` label takes), gets its metric series at 0 before the first request: alerts and the
 * dashboard read them from the first scrape.
 */
@Injectable()
export class MetricSeriesPrimer implements OnApplicationBootstrap {
  constructor(
    private readonly instruments: WebhookInstruments,
    private readonly registry: SourceRegistry,
    @Inject(PRIMED_SOURCES) private readonly allowed: readonly string[],
  ) {}

  onApplicationBootstrap(): void {
    this.instruments.prime(new Set([...this.allowed, ...this.registry.routes]));
  }
}
