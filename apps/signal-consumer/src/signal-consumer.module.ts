import { DynamicModule, Module } from '@nestjs/common';
import { EventValidator } from '@gateway/contracts';
import { createRootLogger, loggerOptions } from '@gateway/observability';
import { LoggerModule } from 'nestjs-pino';
import type { ConsumerConfig } from './config/consumer-config';
import { NormalizedSignalController } from './normalized-signal.controller';

@Module({})
export class SignalConsumerModule {
  static forRoot(config: ConsumerConfig): DynamicModule {
    return {
      module: SignalConsumerModule,
      imports: [LoggerModule.forRoot(loggerOptions(createRootLogger(config.logging)))],
      controllers: [NormalizedSignalController],
      providers: [{ provide: EventValidator, useValue: new EventValidator(config.eventSchemaVersion) }],
    };
  }
}
