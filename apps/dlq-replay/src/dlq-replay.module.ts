import { DynamicModule, Module } from '@nestjs/common';
import { EventValidator } from '@gateway/json-schema';
import { createRootLogger, loggerOptions } from '@gateway/observability';
import { SourcesCoreModule } from '@gateway/sources-core';
import { LoggerModule } from 'nestjs-pino';
import type { SourceModule } from '@gateway/sources-catalog';
import { REPLAY_CONFIG, ReplayConfig } from './config/replay-config';
import {
  DeadLetterConsumer,
  DeadLetterRecovery,
  DeadLetterStream,
  RawEventFinder,
} from '@gateway/dead-letters';
import { DlqReplayService } from './dlq-replay.service';
import { ReplayNats } from './replay-nats';

/** The replay job: the DLQ consumer, and the sources' normalizers as the gateway runs them. */
@Module({})
export class DlqReplayModule {
  static forRoot(config: ReplayConfig, sources: readonly SourceModule[]): DynamicModule {
    return {
      module: DlqReplayModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(createRootLogger(config.logging))),
        SourcesCoreModule,
        ...sources,
      ],
      providers: [
        { provide: REPLAY_CONFIG, useValue: config },
        { provide: EventValidator, useValue: new EventValidator(config.eventSchemaVersion) },
        ReplayNats,
        { provide: DeadLetterStream, useExisting: ReplayNats },
        DeadLetterConsumer,
        RawEventFinder,
        DeadLetterRecovery,
        DlqReplayService,
      ],
    };
  }
}
