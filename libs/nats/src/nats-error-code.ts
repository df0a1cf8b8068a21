import { JetStreamApiError } from './jetstream-acks';

/** JetStream API error codes the gateway acts on (nats-server `server/errors.json`). */
export const JsErrorCode = {
  ConsumerNotFound: 10014,
  StreamNotFound: 10059,
  /** A publish whose `Nats-Expected-Last-Msg-Id` is not the stream's last message id. */
  WrongLastMsgId: 10070,
  /** A KV create (or expected-last-sequence publish) for a key that already has a value. */
  WrongLastSequence: 10071,
  /** The store refused the write: with discard `new`, "maximum messages/bytes exceeded". */
  StoreFailed: 10077,
} as const;

/**
 * The JetStream `err_code` of an error, whether it came from our own ack matching
 * (JetStreamApiError) or from a nats.js JetStream call (`api_error`); undefined for anything else.
 */
export function jsErrorCode(err: unknown): number | undefined {
  if (err instanceof JetStreamApiError) return err.errCode;
  return (err as { api_error?: { err_code?: number } } | undefined)?.api_error?.err_code;
}
