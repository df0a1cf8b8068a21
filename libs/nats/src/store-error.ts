import { EventTooLargeError, StoreUnavailableError } from '@gateway/contracts';
import { ErrorCode } from 'nats';
import { JetStreamApiError } from './jetstream-acks';
import { JsErrorCode, jsErrorCode } from './nats-error-code';

/**
 * A full stream frees space only as its oldest events age out (discard `new`), which takes far
 * longer than a reconnect: senders are told to wait a minute rather than hammer it.
 */
export const STREAM_FULL_RETRY_AFTER_SEC = 60;

/** What a failed write tells about the stream itself, for the connection manager to act on. */
export type WriteFailureKind = 'gone' | 'full' | 'other';

export function writeFailureKind(err: unknown): WriteFailureKind {
  const code = jsErrorCode(err);
  // No stream listens on the subject any more: deleted, or lost with its server's store.
  const noResponders =
    (err instanceof JetStreamApiError && err.status === 503) ||
    (err as { code?: string } | undefined)?.code === ErrorCode.NoResponders;
  if (code === JsErrorCode.StreamNotFound || noResponders) return 'gone';
  if (code === JsErrorCode.StoreFailed && /maximum (bytes|messages)/i.test((err as Error).message))
    return 'full';
  return 'other';
}

/**
 * The domain error for a failed JetStream write (`what`: "publish to signals.raw"): too large is
 * permanent for this body (413), everything else is the store being unable to confirm now (503).
 * Never an HTTP problem: the ingress filter maps these.
 */
export function storeErrorOf(err: unknown, what: string): StoreUnavailableError | EventTooLargeError {
  if (err instanceof StoreUnavailableError || err instanceof EventTooLargeError) return err;
  if ((err as { code?: string }).code === ErrorCode.MaxPayloadExceeded) {
    return new EventTooLargeError(
      'the event built from this body is over the event store message size limit (NATS max_payload)',
    );
  }
  if (writeFailureKind(err) === 'full') {
    return new StoreUnavailableError(
      `${what}: the stream is full (its limits are reached)`,
      STREAM_FULL_RETRY_AFTER_SEC,
    );
  }
  return new StoreUnavailableError(`${what} not acknowledged: ${(err as Error).message}`);
}
