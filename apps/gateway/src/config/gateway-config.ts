import type { ResolvedEnvironment, SecretFileTexts } from '@gateway/config';
import type { EventSchemaVersion } from '@gateway/contracts';
import type { IngressModuleOptions } from '@gateway/ingress';
import type { NatsModuleOptions } from '@gateway/nats';
import type { BuildInfo, LoggingOptions } from '@gateway/observability';
import type { Credentials, SecurityModuleOptions } from '@gateway/security';

/** The GatewayConfig, for the app's own providers. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** The validated configuration, shaped for the modules that use it. */
export interface GatewayConfig {
  port: number;
  /** The port of /metrics, /healthz and /readyz, when they are kept off `port`. */
  managementPort?: number;
  /** The secret variables read from files (`<NAME>_FILE`): watched, and read again on SIGHUP. */
  secretFiles: ResolvedEnvironment['files'];
  /** How often the secret files are read (0: only on SIGHUP). */
  secretPollIntervalMs: number;
  /** The secrets again through the checks of the start, the files' text taken from `texts`. */
  reloadCredentials: (texts: SecretFileTexts) => Credentials;
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
  /** Set when no secret was configured (ENV development or test) and the development secret is used. */
  usesDevelopmentSecret: boolean;
}
