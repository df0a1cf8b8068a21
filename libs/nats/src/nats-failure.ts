import { ErrorCode } from 'nats';

/**
 * Why the gateway cannot write to NATS right now: a bounded set, so it can be a metric label and
 * an alert, and a log line is written once per change of cause rather than once per retry.
 */
export const NATS_FAILURE_CAUSES = [
  'unreachable',
  'auth_refused',
  'auth_expired',
  'tls',
  'permission',
  'jetstream_unavailable',
  'stream_missing',
  'stream_mismatch',
  'bucket_missing',
  'bucket_mismatch',
  'stream_full',
  'schema_missing',
  'schema_mismatch',
  'other',
] as const;
export type NatsFailureCause = (typeof NATS_FAILURE_CAUSES)[number];

/** A failure the gateway already knows the cause of (the provisioner's findings). */
export class NatsFailure extends Error {
  constructor(
    readonly kind: NatsFailureCause,
    message: string,
  ) {
    super(message);
    this.name = 'NatsFailure';
  }
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/;
const UNREACHABLE_CODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

/** nats.js error codes (ErrorCode) and the cause each stands for. */
const CAUSE_BY_NATS_CODE: Record<string, NatsFailureCause> = {
  [ErrorCode.AuthorizationViolation]: 'auth_refused',
  [ErrorCode.AuthenticationTimeout]: 'auth_refused',
  [ErrorCode.AuthenticationExpired]: 'auth_expired',
  [ErrorCode.AccountExpired]: 'auth_expired',
  [ErrorCode.PermissionsViolation]: 'permission',
  [ErrorCode.ConnectionRefused]: 'unreachable',
  [ErrorCode.ConnectionTimeout]: 'unreachable',
  [ErrorCode.ConnectionClosed]: 'unreachable',
  [ErrorCode.Disconnect]: 'unreachable',
  [ErrorCode.Tls]: 'tls',
  [ErrorCode.ServerOptionNotAvailable]: 'tls',
  [ErrorCode.Timeout]: 'jetstream_unavailable',
  [ErrorCode.NoResponders]: 'jetstream_unavailable',
};

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The cause of an error from nats.js, Node's socket/TLS layer, or the provisioner. */
export function causeOf(err: unknown): NatsFailureCause {
  if (err instanceof NatsFailure) return err.kind;
  const code = text((err as { code?: unknown } | undefined)?.code);
  const message = text((err as { message?: unknown } | undefined)?.message).toLowerCase();
  if (/\b(tls|ssl|certificate)\b/.test(message) || TLS_CODE.test(code)) return 'tls';
  const known = CAUSE_BY_NATS_CODE[code];
  if (known) return known;
  if (UNREACHABLE_CODE.has(code)) return 'unreachable';
  if (message.includes('expired')) return 'auth_expired';
  if (message.includes('authorization violation')) return 'auth_refused';
  return 'other';
}

/** One line for an operator: the cause and the error's own words (nats.js and Node never put secrets there). */
export function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

/** Server URLs as a log may show them: any `user:password@` or `token@` taken out. */
export function serversForLog(servers: readonly string[]): string {
  return servers.map((server) => server.replace(/^([a-z]+:\/\/)?[^@/]*@/i, '$1')).join(', ');
}
