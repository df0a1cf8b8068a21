import 'reflect-metadata';
import { loadAtStartup } from '@gateway/config';
import { Subjects } from '@gateway/contracts';
import { natsConnectionOptions } from '@gateway/nats';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { loadConsumerConfig } from './config/consumer-config';
import { EventDeserializer } from './event.deserializer';
import { RegisteredSchemas } from './registered-schemas';
import { SignalConsumerModule } from './signal-consumer.module';

async function main(): Promise<void> {
  const loaded = loadAtStartup('at-signal-consumer', () => loadConsumerConfig(process.env));
  if (!loaded.ok) {
    process.stderr.write(`${loaded.line}\n`);
    process.exit(1);
  }
  const { config } = loaded;
  // Before anything is consumed: the registry's schema of the version it is written against.
  const schemas = await RegisteredSchemas.load(config).catch((err: Error) => {
    process.stderr.write(`at-signal-consumer: ${err.message}\n`);
    process.exit(1);
  });
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    SignalConsumerModule.forRoot(config, schemas),
    {
      transport: Transport.NATS,
      options: {
        ...natsConnectionOptions(config.servers, config.name, config.auth),
        queue: config.queue,
        deserializer: new EventDeserializer(),
        // nats.js gives up after 10 reconnects by default; a consumer should outlast a NATS restart.
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        waitOnFirstConnect: true,
        // On SIGTERM: stop taking events, let the ones at hand finish, then close.
        gracefulShutdown: true,
        gracePeriod: 1000,
      },
      bufferLogs: true,
    },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen();
  logger.log(
    `consuming ${Subjects.normalized} (queue ${config.queue}, schema ${config.eventSchemaVersion})`,
    'Consumer',
  );
}

void main();
