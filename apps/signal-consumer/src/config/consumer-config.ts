import {
  list,
  loadEnvironment,
  NATS_SECRET_VARIABLES,
  NATS_URLS,
  NATS_URLS_MESSAGE,
  resolveSecretFiles,
} from '@gateway/config';
import { EVENT_SCHEMA_VERSIONS, type EventSchemaVersion } from '@gateway/contracts';
import { type NatsAuthOptions, natsAuthOf, NatsClientEnvironment } from '@gateway/nats';
import type { LoggingOptions } from '@gateway/observability';
import { IsIn, IsNotEmpty, IsString, Matches } from 'class-validator';

class ConsumerEnvironment extends NatsClientEnvironment {
  @IsString() @IsNotEmpty() SERVICE_NAME = 'at-signal-consumer';
  @Matches(NATS_URLS, { message: NATS_URLS_MESSAGE }) NATS_URL = 'nats://127.0.0.1:4222';
  /** Replicas in one queue group share the events: each is handled by one of them. */
  @Matches(/^[A-Za-z0-9._-]{1,64}$/) NATS_QUEUE = 'signal-consumer';
  /** The version of signals.normalized this consumer is written against; others are rejected. */
  @IsIn(EVENT_SCHEMA_VERSIONS) EVENT_SCHEMA_VERSION: EventSchemaVersion = 'v1';
}

export interface ConsumerConfig {
  logging: LoggingOptions;
  servers: string[];
  name: string;
  auth: NatsAuthOptions;
  queue: string;
  eventSchemaVersion: EventSchemaVersion;
}

/** Throws a ConfigError naming the first bad variable. */
export function loadConsumerConfig(source: NodeJS.ProcessEnv): ConsumerConfig {
  // NATS credentials may come from files, as the gateway's do (read again at each reconnect).
  const { env: resolved, files } = resolveSecretFiles(source, NATS_SECRET_VARIABLES);
  const env = loadEnvironment(ConsumerEnvironment, resolved);
  return {
    logging: { serviceName: env.SERVICE_NAME, env: env.ENV, level: env.LOG_LEVEL },
    servers: list(env.NATS_URL),
    name: env.SERVICE_NAME,
    auth: natsAuthOf(env, files),
    queue: env.NATS_QUEUE,
    eventSchemaVersion: env.EVENT_SCHEMA_VERSION,
  };
}
