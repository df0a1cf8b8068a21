import { NAME, NATS_URLS, NATS_URLS_MESSAGE } from '@gateway/config';
import { EVENT_SCHEMA_VERSIONS, type EventSchemaVersion } from '@gateway/contracts';
import { NatsClientEnvironment } from '@gateway/nats';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';

/**
 * The DLQ replay's environment: the gateway's names for what they share, so the job can run with
 * the gateway's configuration (NATS identity and TLS included). It needs no signing secret.
 */
export class ReplayEnvironment extends NatsClientEnvironment {
  @IsString() @IsNotEmpty() SERVICE_NAME = 'at-dlq-replay';

  @Matches(NATS_URLS, { message: NATS_URLS_MESSAGE }) NATS_URL = 'nats://127.0.0.1:4222';
  @Matches(NAME) NATS_STREAM = 'trading-events';
  /** The durable consumer on signals.dlq: what it acknowledged is done, whichever replica ran it. */
  @Matches(NAME) NATS_DURABLE = 'gateway-dlq-replayer';
  @Type(() => Number) @IsInt() @Min(100) @Max(30000) NATS_PUBLISH_TIMEOUT_MS = 5000;
  @IsIn(EVENT_SCHEMA_VERSIONS) EVENT_SCHEMA_VERSION: EventSchemaVersion = 'v1';
  /** `true`: report what would be recovered, publish and acknowledge nothing (as `--dry-run`). */
  @IsIn(['true', 'false']) DLQ_REPLAY_DRY_RUN = 'false';
}
