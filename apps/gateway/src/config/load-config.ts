import type { TokenProfileOptions } from '@gateway/security';
import {
  ConfigError,
  isDevelopment,
  list,
  loadEnvironment,
  MIN_KEY_BYTES,
  NATS_SECRET_VARIABLES,
  parseKeyList,
  parseSourceKeys,
  parseSourcePassphrases,
  resolveSecretFiles,
  type SecretFileTexts,
} from '@gateway/config';
import { eventSchemaEntries, type SourceSettings } from '@gateway/contracts';
import { natsAuthOf, natsConnectionOptions } from '@gateway/nats';
import { SOURCE_SETTINGS } from '@gateway/sources-catalog';
import { STORE_BUDGET_MS } from '@gateway/webhook';
import { version } from '../../../../package.json';
import { Environment } from './environment';
import type { GatewayConfig } from './gateway-config';
import { parseDuration, parseSize } from './nats-limits';
import { loadSourcePolicy } from './source-policy';
import {
  chosenVerifications,
  secretVariablesOf,
  sourceTokenProfiles,
  sourceVariablesOf,
} from './source-settings';
import { trustProxy } from './trust-proxy';

export { ConfigError };

/** Every secret variable the gateway reads: its own, then those the catalog's sources declare. */
export const GATEWAY_SECRET_VARIABLES: readonly string[] = secretVariablesOf(SOURCE_SETTINGS);

/** The variables the catalog's sources declare for themselves, beside those of `Environment`. */
export const SOURCE_VARIABLES: readonly string[] = sourceVariablesOf(SOURCE_SETTINGS);

/** Used only with ENV development or test when no secret is set, so `npm start` works out of the box. */
export const DEVELOPMENT_SECRET = 'dev-secret-change-me';

/** After SIGTERM, answers go on this long outside development, so load balancers take the replica out. */
const SHUTDOWN_DELAY_MS = 8000;

/**
 * Validates the environment, with `<SECRET>_FILE` files read in, into a GatewayConfig; throws a
 * ConfigError naming the variable. Run again on a secret reload, so the keys a reload installs
 * pass exactly the checks of the start, on `fileTexts`: the files' text the reload checked (never
 * read a second time, or a file rewritten in between would be read half written). `sources`: the
 * variables sources declare for themselves (the catalog's).
 */
export function loadConfig(
  source: NodeJS.ProcessEnv,
  fileTexts?: SecretFileTexts,
  sources: readonly SourceSettings[] = SOURCE_SETTINGS,
): GatewayConfig {
  const { env: resolved, files } = resolveSecretFiles(source, secretVariablesOf(sources), fileTexts);
  const env = loadEnvironment(Environment, resolved);
  const verification = chosenVerifications(resolved, sources);
  const development = isDevelopment(env.ENV);
  const minKeyBytes = development ? 1 : MIN_KEY_BYTES;
  const secrets = parseKeyList('API_KEY_HMAC_SECRET', env.API_KEY_HMAC_SECRET ?? '', minKeyBytes);
  // Fail closed: only a development or test environment may run on the public development secret
  // ("staging", "prod" or a typo of "production" must not).
  if (secrets.length === 0 && !development) {
    throw new ConfigError(
      `API_KEY_HMAC_SECRET (or API_KEY_HMAC_SECRET_FILE) is required when ENV=${env.ENV}`,
      'API_KEY_HMAC_SECRET',
    );
  }
  const usesDevelopmentSecret = secrets.length === 0;
  const allowedSources = list(env.ALLOWED_SOURCES);
  const policy = loadSourcePolicy({
    rate: env.RATE_LIMIT_RPS,
    burst: env.RATE_LIMIT_BURST,
    maxWaitMs: env.RATE_LIMIT_MAX_WAIT_MS,
    inFlight: env.SOURCE_IN_FLIGHT_MAX,
    allowedSources,
    publishTimeoutMs: env.NATS_PUBLISH_TIMEOUT_MS,
    compact: env.SOURCE_POLICY,
    file: env.SOURCE_POLICY_FILE,
  });
  const anyCritical = Object.values(policy.sources).some((p) => p.priority === 'critical');
  const proxies = trustProxy(env.TRUST_PROXY);
  if (env.MANAGEMENT_PORT === env.PORT) {
    throw new ConfigError('MANAGEMENT_PORT must differ from PORT', 'MANAGEMENT_PORT');
  }
  const natsAuth = natsAuthOf(env, files);
  const maxAgeSec = parseDuration('NATS_STREAM_MAX_AGE', env.NATS_STREAM_MAX_AGE);
  // JetStream refuses a duplicate window longer than the stream keeps its messages.
  if (maxAgeSec > 0 && maxAgeSec < env.IDEMPOTENCY_TTL_SEC) {
    throw new ConfigError('NATS_STREAM_MAX_AGE must not be shorter than IDEMPOTENCY_TTL_SEC');
  }
  if (env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS) {
    throw new ConfigError('HEADERS_TIMEOUT_MS must not be above REQUEST_TIMEOUT_MS');
  }
  const shutdownDelayMs = env.SHUTDOWN_DELAY_MS ?? (env.ENV === 'development' ? 0 : SHUTDOWN_DELAY_MS);
  if (shutdownDelayMs > 0 && shutdownDelayMs >= env.SHUTDOWN_GRACE_MS) {
    throw new ConfigError('SHUTDOWN_DELAY_MS must be below SHUTDOWN_GRACE_MS, which also covers the drain');
  }
  return {
    port: env.PORT,
    managementPort: env.MANAGEMENT_PORT,
    // The NATS password and token files are read by the NATS client at each (re)connect
    // (natsAuthOf), not by the secret reload, which puts webhook keys in force.
    secretFiles: withoutNatsSecrets(files),
    secretPollIntervalMs: env.SECRET_POLL_INTERVAL_MS,
    reloadCredentials: (texts) => loadConfig(source, texts, sources).security,
    host: env.HOST,
    trustProxy: proxies,
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    shutdownDelayMs,
    keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
    eventSchemaVersion: env.EVENT_SCHEMA_VERSION,
    usesDevelopmentSecret,
    build: { version, revision: env.GIT_REVISION },
    logging: { serviceName: env.SERVICE_NAME, env: env.ENV, level: env.LOG_LEVEL },
    nats: {
      servers: list(env.NATS_URL),
      name: env.SERVICE_NAME,
      auth: natsAuth,
      stream: env.NATS_STREAM,
      provision: env.NATS_PROVISION === 'true',
      replicas: env.NATS_STREAM_REPLICAS,
      duplicateWindowSec: env.IDEMPOTENCY_TTL_SEC,
      maxAgeSec,
      maxBytes: parseSize('NATS_STREAM_MAX_BYTES', env.NATS_STREAM_MAX_BYTES),
      publishTimeoutMs: env.NATS_PUBLISH_TIMEOUT_MS,
      bufferMaxMessages: env.PUBLISH_BUFFER_MAX,
      bufferMaxAgeMs: env.PUBLISH_BUFFER_MAX_AGE_MS,
      bufferCriticalReserve: anyCritical
        ? Math.ceil((env.PUBLISH_BUFFER_MAX * env.PUBLISH_BUFFER_CRITICAL_SHARE) / 100)
        : 0,
      nonceTtlSec: nonceTtlSec(env),
      schemaRegistry: {
        bucket: env.SCHEMA_REGISTRY_BUCKET,
        schemas: eventSchemaEntries(env.EVENT_SCHEMA_VERSION),
      },
    },
    security: {
      secrets: usesDevelopmentSecret ? [{ id: 'development', secret: DEVELOPMENT_SECRET }] : secrets,
      sourceSecrets: parseSourceKeys(env.SOURCE_HMAC_SECRETS, allowedSources, minKeyBytes),
      verification,
      tokenProfiles: tokenProfiles(env, resolved, sources, proxies, allowedSources),
      replayWindowSec: env.REPLAY_WINDOW_SEC,
      allowedSources,
      policy,
      publishReserveMs: env.NATS_PUBLISH_TIMEOUT_MS,
    },
    ingress: { maxBodyBytes: env.MAX_BODY_BYTES, bodyMemoryBudgetBytes: bodyMemoryBudget(env) },
    deadLetterHealing: {
      enabled: env.DLQ_HEAL === 'true',
      connection: natsConnectionOptions(list(env.NATS_URL), `${env.SERVICE_NAME}-dlq-healer`, natsAuth),
      stream: env.NATS_STREAM,
      durable: env.DLQ_HEAL_DURABLE,
      intervalMs: env.DLQ_HEAL_INTERVAL_SEC * 1000,
      maxAttempts: env.DLQ_HEAL_MAX_ATTEMPTS,
      // Recovered events are published in the background: no webhook waits on them.
      publishTimeoutMs: 5000,
      revision: env.GIT_REVISION,
      eventSchemaVersion: env.EVENT_SCHEMA_VERSION,
    },
  };
}

function withoutNatsSecrets(files: GatewayConfig['secretFiles']): GatewayConfig['secretFiles'] {
  return Object.fromEntries(
    Object.entries(files).filter(([variable]) => !NATS_SECRET_VARIABLES.includes(variable)),
  );
}

/**
 * How long a claimed nonce is kept: every replay the window still admits must find it. A request
 * signed at now+window is admitted until now+2*window, and its window is checked once, at the
 * headers: a replay's claim may come up to REQUEST_TIMEOUT_MS (its body) and the store budget
 * (its claim) after that check.
 */
function nonceTtlSec(env: Environment): number {
  return 2 * env.REPLAY_WINDOW_SEC + Math.ceil((env.REQUEST_TIMEOUT_MS + STORE_BUDGET_MS) / 1000);
}

/** The body memory budget: it must admit at least one body of the largest size accepted. */
function bodyMemoryBudget(env: Environment): number {
  if (env.BODY_MEMORY_BUDGET_BYTES < env.MAX_BODY_BYTES) {
    throw new ConfigError('BODY_MEMORY_BUDGET_BYTES must be at least MAX_BODY_BYTES');
  }
  return env.BODY_MEMORY_BUDGET_BYTES;
}

/**
 * The secrets of token verifications: those of sources that declare variables of their own for
 * them (`SourceSettings.token`, docs/contract.md 1.1b), and those of any source whose own
 * declaration is a token profile (`SOURCE_PASSPHRASES`). The body field, time fields and default
 * addresses are each source's, declared in its code.
 */
function tokenProfiles(
  env: Environment,
  resolved: NodeJS.ProcessEnv,
  sources: readonly SourceSettings[],
  proxies: ReturnType<typeof trustProxy>,
  allowedSources: readonly string[],
): TokenProfileOptions[] {
  const profiles = Object.entries(parseSourcePassphrases(env.SOURCE_PASSPHRASES, allowedSources)).map(
    ([route, passphrases]): TokenProfileOptions => ({ route, passphrases }),
  );
  profiles.push(...sourceTokenProfiles(resolved, sources));
  // Trusting every hop takes the left-most X-Forwarded-For entry, which any client writes itself.
  if (profiles.length > 0 && proxies === true) {
    throw new ConfigError(
      'TRUST_PROXY=true lets any client choose its address; with token verification give the hop count or the proxies',
    );
  }
  return profiles;
}
