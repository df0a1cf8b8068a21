/** JetStream subjects the gateway publishes to; the stream covers `signals.>`. */
export const Subjects = {
  raw: 'signals.raw',
  normalized: 'signals.normalized',
  dlq: 'signals.dlq',
} as const;

export type Subject = (typeof Subjects)[keyof typeof Subjects];

export const STREAM_SUBJECTS = ['signals.>'];
