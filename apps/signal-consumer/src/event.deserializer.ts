import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';
import { jsonOrUndefined } from '@gateway/nats';

/** What arrives when a message is not JSON at all. */
export class UndecodableMessage {
  readonly reason = 'is not JSON';
}

/**
 * Every message on a subscribed subject is an event, whatever its fields. Nest's default reads a
 * JSON body with `pattern` or `data` members as its own envelope and throws on one that is not
 * JSON (an unhandled rejection); the platform's events are plain JSON documents, and a bad one
 * must be logged, not crash the consumer.
 */
export class EventDeserializer implements ConsumerDeserializer {
  deserialize(value: Uint8Array, options?: { channel?: string }): IncomingEvent {
    const data = jsonOrUndefined(value) ?? new UndecodableMessage();
    return { pattern: options?.channel ?? '', data };
  }
}
