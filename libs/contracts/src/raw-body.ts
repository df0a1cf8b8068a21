import { isUtf8 } from 'node:buffer';
import type { RawEventV1 } from './events';

/**
 * A raw event's body fields for the bytes published. Events are JSON, so the body travels as a
 * string; bytes that are not valid UTF-8 would come out of a string as U+FFFD, no longer the bytes
 * received. Those are kept exactly in `body_base64`, beside `body` as a display (invalid sequences
 * as U+FFFD, so a consumer reading only `body` sees what it saw before this field existed).
 */
export function rawBodyFields(bytes: Buffer): Pick<RawEventV1, 'body' | 'body_base64'> {
  const body = bytes.toString('utf8');
  return isUtf8(bytes) ? { body } : { body, body_base64: bytes.toString('base64') };
}

/** The bytes a raw event's body was published as (the DLQ replay normalizes them again). */
export function rawBodyBytes(raw: Pick<RawEventV1, 'body' | 'body_base64'>): Buffer {
  return raw.body_base64 === undefined
    ? Buffer.from(raw.body, 'utf8')
    : Buffer.from(raw.body_base64, 'base64');
}
