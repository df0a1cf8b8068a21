import { DynamicModule, Module } from '@nestjs/common';
import { createRootLogger, loggerOptions } from '@gateway/observability';
import { LoggerModule } from 'nestjs-pino';
import type { ConsumerConfig } from './config/consumer-config';
import { NormalizedSignalController } from './normalized-signal.controller';
import { RegisteredSchemas } from './registered-schemas';

@Module({})
export class SignalConsumerModule {
  static forRoot(config: ConsumerConfig, schemas: RegisteredSchemas): DynamicModule {
    return {
      module: SignalConsumerModule,
      imports: [LoggerModule.forRoot(loggerOptions(createRootLogger(config.logging)))],
      controllers: [NormalizedSignalController],
      providers: [{ provide: RegisteredSchemas, useValue: schemas }],
    };
  }
}
