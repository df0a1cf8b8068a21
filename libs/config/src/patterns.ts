/** A NATS stream or consumer name. */
export const NAME = /^[A-Za-z0-9_-]{1,64}$/;

// One server: `host:port`, or a URL of a scheme NATS speaks. Any other scheme (`http://`, a
// monitoring port's URL pasted by mistake) is refused rather than read as a host named "http".
const NATS_SERVER = '((nats|tls|ws|wss):\\/\\/)?(?![A-Za-z][A-Za-z0-9+.-]*:\\/\\/)[^\\s,]+';

/** One or more comma-separated NATS server URLs. */
export const NATS_URLS = new RegExp(`^${NATS_SERVER}(,${NATS_SERVER})*$`);
export const NATS_URLS_MESSAGE =
  'NATS_URL must be one or more comma-separated NATS URLs: nats://host:4222 (or tls://, ws://, wss://)';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
