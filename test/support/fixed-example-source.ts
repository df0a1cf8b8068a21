import { Injectable, Module } from '@nestjs/common';
import type { NormalizationResult } from '@gateway/contracts';
import { WebhookSource } from '@gateway/sources-core';
import { EXAMPLE_SIDES, ExampleSource, normalizeExample } from '@gateway/sources-example';

/**
 * The example source after a fix: its normalizer now also knows the side word `exit`, which the
 * deployed one answered 422. The DLQ replay runs with it in place of the example source.
 */
@WebhookSource()
@Injectable()
export class FixedExampleSource extends ExampleSource {
  override normalize(payload: Record<string, unknown>): NormalizationResult {
    return normalizeExample(payload, { ...EXAMPLE_SIDES, exit: 'close' });
  }
}

@Module({ providers: [FixedExampleSource] })
export class FixedExampleSourceModule {}
