/**
 * What the event store (NATS JetStream) can report to the request path. Libraries throw these
 * domain errors; the one problem filter maps them to HTTP (503 + Retry-After, 413).
 */

/** The store cannot confirm a write now (down, no leader, timed out, full): fail closed, retry later. */
export class StoreUnavailableError extends Error {
  constructor(
    reason: string,
    /** Seconds a client should wait before retrying, when the cause suggests more than the default. */
    readonly retryAfterSec?: number,
  ) {
    super(reason);
    this.name = 'StoreUnavailableError';
  }
}

/** An event is larger than the store accepts (NATS max_payload): permanent for this body, never a 503. */
export class EventTooLargeError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'EventTooLargeError';
  }
}

/**
 * A write allowed only as a duplicate (a redelivery must map to the event its first delivery
 * stored) found its id not stored: nothing was written.
 */
export class NotStoredError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotStoredError';
  }
}
