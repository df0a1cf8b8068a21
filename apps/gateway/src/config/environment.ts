import { NAME, NATS_URLS, NATS_URLS_MESSAGE } from '@gateway/config';
import { EVENT_SCHEMA_VERSIONS, type EventSchemaVersion, SOURCE_ID_PATTERN } from '@gateway/contracts';
import { DEFAULT_SCHEMA_REGISTRY_BUCKET, NatsClientEnvironment } from '@gateway/nats';
import { DEFAULT_ALLOWED_SOURCES } from '@gateway/sources-catalog';
import { Type } from 'class-transformer';
import { DEFAULT_BODY_MEMORY_BUDGET_BYTES } from './memory-budget';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DURATION_MESSAGE, NATS_DURATION, NATS_SIZE, SIZE_MESSAGE } from './nats-limits';

// A comma-separated list of source ids (SOURCE_ID_PATTERN without its anchors).
const ID = SOURCE_ID_PATTERN.source.slice(1, -1);
const SOURCE_LIST = new RegExp(`^\\s*${ID}(\\s*,\\s*${ID})*\\s*$`);

/**
 * The environment variables of docs/contract.md section 5, with their defaults. Validated once at
 * start-up: a bad value stops the process before it listens. NATS identity and TLS
 * (NATS_USER, NATS_CREDS_FILE, NATS_TLS_*, ...) come from NatsClientEnvironment; the variables a
 * source declares for itself, from its `SourceSettings` (source-settings.ts).
 */
export class Environment extends NatsClientEnvironment {
  @IsString() @IsNotEmpty() SERVICE_NAME = 'at-gateway';
  /** The git revision of the build (an image build argument), shown by gateway_build_info. */
  @Matches(/^[A-Za-z0-9._-]{1,64}$/) GIT_REVISION = 'unknown';
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) PORT = 8001;
  /** When set, /metrics, /healthz and /readyz are served on this port only (docs/deployment.md). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(65535) MANAGEMENT_PORT?: number;
  @IsString() @IsNotEmpty() HOST = '0.0.0.0';
  /** Express `trust proxy`: a hop count, `loopback`, or addresses/CIDRs. Unset: trust no proxy. */
  @IsOptional() @IsString() TRUST_PROXY?: string;

  @Matches(NATS_URLS, { message: NATS_URLS_MESSAGE }) NATS_URL = 'nats://127.0.0.1:4222';
  @Matches(NAME) NATS_STREAM = 'trading-events';
  @Matches(NAME) NATS_DURABLE = 'gateway-dlq-replayer';
  @Type(() => Number) @IsInt() @Min(1) @Max(5) NATS_STREAM_REPLICAS = 1;
  /** true: create the stream and nonce bucket and bring them in line; false: only check them. */
  @IsIn(['true', 'false']) NATS_PROVISION = 'true';
  /** Retention of the stream the gateway provisions (docs/operations.md: why these defaults). */
  @Matches(NATS_DURATION, { message: `NATS_STREAM_MAX_AGE ${DURATION_MESSAGE}` }) NATS_STREAM_MAX_AGE = '7d';
  @Matches(NATS_SIZE, { message: `NATS_STREAM_MAX_BYTES ${SIZE_MESSAGE}` }) NATS_STREAM_MAX_BYTES = '1GiB';
  /** The event schema version published (docs/events.md); one this build does not know stops the start. */
  @IsIn(EVENT_SCHEMA_VERSIONS) EVENT_SCHEMA_VERSION: EventSchemaVersion = 'v1';
  /** The KV bucket of the event schemas, keyed by schema id (docs/events.md). */
  @Matches(NAME) SCHEMA_REGISTRY_BUCKET = DEFAULT_SCHEMA_REGISTRY_BUCKET;
  /** Dead letters retried by each new build without a person (docs/operations.md "Dead letters heal"). */
  @IsIn(['true', 'false']) DLQ_HEAL = 'true';
  /** The healer's durable consumer on signals.dlq, shared by the replicas (not the manual replay's). */
  @Matches(NAME) DLQ_HEAL_DURABLE = 'gateway-dlq-healer';
  @Type(() => Number) @IsInt() @Min(1) @Max(86400) DLQ_HEAL_INTERVAL_SEC = 600;
  /** Builds that may try one dead letter before it is left to a person. */
  @Type(() => Number) @IsInt() @Min(1) @Max(100) DLQ_HEAL_MAX_ATTEMPTS = 10;
  // Bounded so that every answer still leaves within 2.5 s (docs/contract.md: senders give up at 3 s).
  @Type(() => Number) @IsInt() @Min(100) @Max(2000) NATS_PUBLISH_TIMEOUT_MS = 1500;
  /** Publishes awaiting an acknowledgement; beyond it webhooks get 503 at once (nats.js never says no). */
  @Type(() => Number) @IsInt() @Min(1) @Max(100000) PUBLISH_BUFFER_MAX = 1000;
  /** How long a disconnected client may hold unsent messages before they are dropped, not flushed late. */
  @Type(() => Number) @IsInt() @Min(1000) @Max(600000) PUBLISH_BUFFER_MAX_AGE_MS = 30000;

  /** Shared HMAC keys, `[id]secret` or `secret`, comma-separated; required unless ENV is development or test. */
  @IsOptional() @IsString() API_KEY_HMAC_SECRET?: string;
  /** How often `<SECRET>_FILE` files are read for a rotation; 0: only on SIGHUP. */
  @Type(() => Number) @IsInt() @Min(0) @Max(3600000) SECRET_POLL_INTERVAL_MS = 1000;
  /** Sources with their own keys: `<source>:<key>[,<key>]` entries separated by `;`. */
  @IsOptional() @IsString() SOURCE_HMAC_SECRETS?: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(86400) REPLAY_WINDOW_SEC = 300;
  @Type(() => Number) @IsInt() @Min(1) @Max(604800) IDEMPOTENCY_TTL_SEC = 3600;
  @Matches(SOURCE_LIST, { message: 'ALLOWED_SOURCES must be a comma-separated list of source ids' })
  ALLOWED_SOURCES = DEFAULT_ALLOWED_SOURCES.join(',');
  /** The defaults of every source's policy (docs/operations.md); SOURCE_POLICY(_FILE) sets them per source. */
  @Type(() => Number) @Min(0.01) @Max(100000) RATE_LIMIT_RPS = 50;
  /** Default: ten seconds of RATE_LIMIT_RPS (500 at 50/s: a candle close of 500 alerts passes). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000000) RATE_LIMIT_BURST?: number;
  /** Default: the store budget less NATS_PUBLISH_TIMEOUT_MS (700 ms at 1500); never more. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(2200) RATE_LIMIT_MAX_WAIT_MS?: number;
  @Type(() => Number) @IsInt() @Min(1) @Max(1000000) SOURCE_IN_FLIGHT_MAX = 1000;
  /** Per-source policy, `<source>:<key>=<value>[,...]` entries separated by `;` (`*`: every source). */
  @IsOptional() @IsString() SOURCE_POLICY?: string;
  /** Per-source policy as a JSON file: the alternative to SOURCE_POLICY, the same settings. */
  @IsOptional() @IsString() SOURCE_POLICY_FILE?: string;
  /** Percent of PUBLISH_BUFFER_MAX kept for critical sources (only when a source is critical). */
  @Type(() => Number) @IsInt() @Min(0) @Max(90) PUBLISH_BUFFER_CRITICAL_SHARE = 20;
  @Type(() => Number) @IsInt() @Min(1024) @Max(16 * 1024 * 1024) MAX_BODY_BYTES = 1024 * 1024;
  /** Body bytes held at once across all requests in flight; beyond it 503 at once (memory-budget.ts). */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024 * 1024)
  BODY_MEMORY_BUDGET_BYTES = DEFAULT_BODY_MEMORY_BUDGET_BYTES;

  /**
   * Passphrases of sources served by a token verification of their own declaring (docs/adding-a-source.md):
   * `<source>:<passphrase>[,<passphrase>]` entries separated by `;`. A source may instead declare
   * variables of its own (`SourceSettings` in the source catalog, read by source-settings.ts).
   */
  @IsOptional() @IsString() SOURCE_PASSPHRASES?: string;

  /** How long SIGTERM may take before the process exits anyway; below Kubernetes' 30 s default. */
  @Type(() => Number) @IsInt() @Min(0) @Max(600000) SHUTDOWN_GRACE_MS = 25000;
  /**
   * After SIGTERM: readiness fails at once but requests are still answered (each closing its
   * connection) for this long, so load balancers polling /readyz every few seconds take the
   * replica out before it stops accepting. Part of SHUTDOWN_GRACE_MS, not added to it. Unset: 8000,
   * or 0 with ENV=development, where no load balancer waits and Ctrl-C should stop at once.
   */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(600000) SHUTDOWN_DELAY_MS?: number;
  /** Slow clients are cut off: all headers within this, counted from a request's first byte. */
  @Type(() => Number) @IsInt() @Min(1000) @Max(600000) HEADERS_TIMEOUT_MS = 5000;
  /** ...and the whole request (headers and body) within this. */
  @Type(() => Number) @IsInt() @Min(1000) @Max(600000) REQUEST_TIMEOUT_MS = 10000;
  /** Above the idle timeouts of common load balancers (AWS ALB 60 s), so they close first. */
  @Type(() => Number) @IsInt() @Min(1000) @Max(600000) KEEP_ALIVE_TIMEOUT_MS = 65000;
}
