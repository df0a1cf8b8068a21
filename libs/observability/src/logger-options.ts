import type { Params } from 'nestjs-pino';
import pino, { type Logger, stdTimeFunctions } from 'pino';

export interface LoggingOptions {
  serviceName: string;
  env: string;
  level: string;
}

/** The one pino logger of the process: Nest's own log lines and the per-webhook line share it. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * JSON logs on stdout, written asynchronously: lines that pile up while a write is in flight go
 * out in one syscall instead of one each (pino flushes what is left when the process exits).
 */
export function createRootLogger({ serviceName, env, level }: LoggingOptions): Logger {
  return pino(
    {
      level,
      base: { service: serviceName, env },
      messageKey: 'msg',
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Defence in depth: nothing logs headers or bodies, but should one ever be, these stay out.
      redact: {
        paths: [
          'req.headers["x-signature"]',
          'req.headers["webhook-signature"]',
          'req.headers.authorization',
          'passphrase',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * nestjs-pino serves Nest's logger interface from the root logger. Its pino-http middleware is
 * mounted on no route: a child logger and an AsyncLocalStorage context per request (which turns on
 * promise hooks for every promise) bought nothing here, because the one line per webhook is written
 * by WebhookTelemetryMiddleware with the corr_id in it.
 */
export function loggerOptions(root: Logger): Params {
  return { pinoHttp: { logger: root }, forRoutes: [] };
}
