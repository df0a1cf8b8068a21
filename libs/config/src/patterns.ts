/** A NATS stream or consumer name. */
export const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** One or more comma-separated NATS server URLs. */
export const NATS_URLS = /^((nats|tls|ws|wss):\/\/)?[^\s,]+(,((nats|tls|ws|wss):\/\/)?[^\s,]+)*$/;
export const NATS_URLS_MESSAGE = 'NATS_URL must be one or more comma-separated NATS URLs';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
