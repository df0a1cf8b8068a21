/**
 * What a source id (and so a route, `/webhooks/<id>`) may be: the events' `source` pattern
 * (signals.*.v1), so every id the gateway accepts is one the events can carry.
 */
export const SOURCE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The rule in words, for error messages. */
export const SOURCE_ID_RULE = '1-64 of [A-Za-z0-9._-]';

export const isSourceId = (value: unknown): value is string =>
  typeof value === 'string' && SOURCE_ID_PATTERN.test(value);
