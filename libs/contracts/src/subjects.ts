/** JetStream subjects the gateway publishes to; the stream covers `signals.>`. */
export const Subjects = {
  raw: 'signals.raw',
  normalized: 'signals.normalized',
  dlq: 'signals.dlq',
} as const;

export type Subject = (typeof Subjects)[keyof typeof Subjects];

/**
 * The canary's events, raw and normalized alike: proof that the path works, read by no trading
 * consumer (docs/observability.md "Canary"). Not an event subject of its own schema.
 */
export const CANARY_SUBJECT = 'signals.canary';

/** Every subject the gateway publishes to. */
export type PublishSubject = Subject | typeof CANARY_SUBJECT;
export const PUBLISH_SUBJECTS: readonly PublishSubject[] = [...Object.values(Subjects), CANARY_SUBJECT];

export const STREAM_SUBJECTS = ['signals.>'];
