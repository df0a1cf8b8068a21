import { DynamicModule, Module } from '@nestjs/common';
import { EventValidator } from '@gateway/json-schema';
import { SourcesCoreModule } from '@gateway/sources-core';
import { DeadLetterConsumer } from './dead-letter.consumer';
import { DeadLetterRecovery } from './dead-letter.recovery';
import { DeadLetterStream } from './dead-letter-stream';
import { DlqHealer } from './dlq-healer';
import { healMetricProviders } from './heal.metrics';
import { DLQ_HEAL_OPTIONS, type DlqHealOptions } from './heal.options';
import { HealerNats } from './healer-nats';
import { RawEventFinder } from './raw-event.finder';

/** The gateway's dead-letter healer, with the normalizers of the sources the app serves. */
@Module({})
export class DlqHealModule {
  static forRoot(options: DlqHealOptions): DynamicModule {
    return {
      module: DlqHealModule,
      imports: [SourcesCoreModule],
      providers: [
        { provide: DLQ_HEAL_OPTIONS, useValue: options },
        { provide: DeadLetterStream, useValue: new HealerNats(options) },
        { provide: EventValidator, useValue: new EventValidator(options.eventSchemaVersion) },
        ...healMetricProviders,
        DeadLetterConsumer,
        RawEventFinder,
        DeadLetterRecovery,
        DlqHealer,
      ],
      exports: [DlqHealer],
    };
  }
}
