import type { Params } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import { correlationIdOf } from './correlation-id';

export interface LoggingOptions {
  serviceName: string;
  env: string;
  level: string;
}

/**
 * JSON logs on stdout. pino-http only supplies the request id and context here: the one line per
 * webhook is written by WebhookTelemetryMiddleware with the fields operators search by, and
 * nothing logs headers or bodies, so signatures and secrets have no way into a log line.
 */
export function loggerOptions({ serviceName, env, level }: LoggingOptions): Params {
  return {
    pinoHttp: {
      level,
      base: { service: serviceName, env },
      messageKey: 'msg',
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      autoLogging: false,
      quietReqLogger: true,
      genReqId: correlationIdOf,
      customAttributeKeys: { reqId: 'corr_id' },
      // Defence in depth: should a header object ever be logged, these stay out.
      redact: {
        paths: [
          'req.headers["x-signature"]',
          'req.headers["webhook-signature"]',
          'req.headers.authorization',
          '*.passphrase',
          'passphrase',
        ],
        censor: '[redacted]',
      },
    },
  };
}
