import { list, loadEnvironment, NATS_SECRET_VARIABLES, resolveSecretFiles } from '@gateway/config';
import type { EventSchemaVersion } from '@gateway/contracts';
import { type NatsAuthOptions, natsAuthOf } from '@gateway/nats';
import type { LoggingOptions } from '@gateway/observability';
import { ReplayEnvironment } from './replay-environment';

/** The validated configuration of one replay run. */
export interface ReplayConfig {
  logging: LoggingOptions;
  servers: string[];
  /** NATS client name. */
  name: string;
  auth: NatsAuthOptions;
  stream: string;
  durable: string;
  publishTimeoutMs: number;
  eventSchemaVersion: EventSchemaVersion;
  dryRun: boolean;
}

export const REPLAY_CONFIG = Symbol('REPLAY_CONFIG');

/** From the environment and the command line (`--dry-run`); throws a ConfigError naming what is wrong. */
export function loadReplayConfig(source: NodeJS.ProcessEnv, dryRunFlag = false): ReplayConfig {
  // NATS credentials may come from files, as the gateway's do (the same Secret can serve both).
  const env = loadEnvironment(ReplayEnvironment, resolveSecretFiles(source, NATS_SECRET_VARIABLES).env);
  return {
    logging: { serviceName: env.SERVICE_NAME, env: env.ENV, level: env.LOG_LEVEL },
    servers: list(env.NATS_URL),
    name: env.SERVICE_NAME,
    auth: natsAuthOf(env),
    stream: env.NATS_STREAM,
    durable: env.NATS_DURABLE,
    publishTimeoutMs: env.NATS_PUBLISH_TIMEOUT_MS,
    eventSchemaVersion: env.EVENT_SCHEMA_VERSION,
    dryRun: dryRunFlag || env.DLQ_REPLAY_DRY_RUN === 'true',
  };
}
