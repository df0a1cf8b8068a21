import type { EventSchemaVersion } from '@gateway/contracts';
import type { IngressModuleOptions } from '@gateway/ingress';
import type { NatsModuleOptions } from '@gateway/nats';
import type { BuildInfo, LoggingOptions } from '@gateway/observability';
import type { SecurityModuleOptions } from '@gateway/security';

/** The validated configuration, shaped for the modules that use it. */
export interface GatewayConfig {
  port: number;
  host: string;
  trustProxy?: string | number | boolean;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  shutdownGraceMs: number;
  /** Readiness fails but answers continue this long after SIGTERM (contract 6.3). */
  shutdownDelayMs: number;
  keepAliveTimeoutMs: number;
  logging: LoggingOptions;
  build: BuildInfo;
  nats: NatsModuleOptions;
  security: SecurityModuleOptions;
  ingress: IngressModuleOptions;
  /** The pinned event schema version (EVENT_SCHEMA_VERSION). */
  eventSchemaVersion: EventSchemaVersion;
  /** Set when no secret was configured outside production and the development secret is used. */
  usesDevelopmentSecret: boolean;
}
