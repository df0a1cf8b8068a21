import { ConfigError, list, loadEnvironment } from '@gateway/config';
import { Environment } from './environment';
import type { GatewayConfig } from './gateway-config';

export { ConfigError };

/** Used only outside production when no secret is set, so `npm start` works out of the box. */
export const DEVELOPMENT_SECRET = 'dev-secret-change-me';

/** Express `trust proxy` from text: a hop count, `true`/`false`, or names and addresses as given. */
function trustProxy(value: string | undefined): string | number | boolean | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

/** Validates the environment into a GatewayConfig; throws a ConfigError naming the variable. */
export function loadConfig(source: NodeJS.ProcessEnv): GatewayConfig {
  const env = loadEnvironment(Environment, source);

  // Refuse rather than silently serve TradingView with another scheme than the operator chose.
  if (env.TRADINGVIEW_AUTH === 'token') {
    throw new ConfigError(
      'TRADINGVIEW_AUTH=token is not available in this version; use hmac behind a signing relay',
    );
  }
  const secrets = list(env.API_KEY_HMAC_SECRET ?? '');
  // "," or " " is set but names no secret: in production that must stop, never fall back.
  if (secrets.length === 0 && env.ENV === 'production') {
    throw new ConfigError('API_KEY_HMAC_SECRET is required when ENV=production');
  }
  const usesDevelopmentSecret = secrets.length === 0;
  const burst = env.RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(env.RATE_LIMIT_RPS));
  return {
    port: env.PORT,
    host: env.HOST,
    trustProxy: trustProxy(env.TRUST_PROXY),
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
    usesDevelopmentSecret,
    eventSchemaVersion: env.EVENT_SCHEMA_VERSION,
    logging: { serviceName: env.SERVICE_NAME, env: env.ENV, level: env.LOG_LEVEL },
    nats: {
      servers: list(env.NATS_URL),
      name: env.SERVICE_NAME,
      stream: env.NATS_STREAM,
      replicas: env.NATS_STREAM_REPLICAS,
      duplicateWindowSec: env.IDEMPOTENCY_TTL_SEC,
      publishTimeoutMs: env.NATS_PUBLISH_TIMEOUT_MS,
      // A nonce signed at now+window stays acceptable until now+2*window.
      nonceTtlSec: env.REPLAY_WINDOW_SEC * 2,
    },
    security: {
      secrets: usesDevelopmentSecret ? [DEVELOPMENT_SECRET] : secrets,
      replayWindowSec: env.REPLAY_WINDOW_SEC,
      allowedSources: list(env.ALLOWED_SOURCES),
      rateLimitRps: env.RATE_LIMIT_RPS,
      rateLimitBurst: burst,
    },
    ingress: { maxBodyBytes: env.MAX_BODY_BYTES },
  };
}
