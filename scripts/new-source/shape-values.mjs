// The templates' placeholders that come from the sample payload (payload-shape.mjs): the schema,
// the normalizer's body and action words, the idempotency field, and the specs' sample and
// expectations.
import {
  expectedSignalOf,
  freshOverrides,
  literal,
  normalizerOf,
  schemaOf,
  sidesOf,
} from './payload-shape.mjs';

/** `payload.side`, or `(payload.signal as Record<string, unknown>).side`, as an assignable expression. */
const accessOf = ({ object, key }) =>
  object
    ? `(payload[${JSON.stringify(object)}] as Record<string, unknown>)[${JSON.stringify(key)}]`
    : `payload[${JSON.stringify(key)}]`;

export function shapeValues(sample, shape, { id, token }) {
  const constName = id.toUpperCase().replaceAll('-', '_');
  const { sides, unknownWord } = sidesOf(shape);
  const sideLines = Object.entries(sides).map(
    ([word, action]) => `  ${JSON.stringify(word)}: '${action}',\n`,
  );
  if (unknownWord !== undefined) {
    sideLines.push(
      `  // TODO(new-source): the sample's action word; which action is it? (buy, sell or close)\n`,
      `  ${JSON.stringify(unknownWord)}: 'buy',\n`,
    );
    sides[unknownWord] = 'buy';
  }
  const expected = expectedSignalOf(sample, shape, sides);
  const e2eExpected = { source: id, instrument: expected.instrument, action: expected.action };
  for (const field of ['exchange', 'price', 'quantity'])
    if (expected[field] !== null) e2eExpected[field] = expected[field];
  const time = shape.mapping.signal_time;
  const timeFields =
    time && !time.object
      ? `  timeFields: [${JSON.stringify(time.key)}],\n`
      : '  // TODO(new-source): no top-level time field in the sample, so no staleness check.\n  timeFields: [],\n';
  const fresh = freshOverrides(shape);
  return {
    SCHEMA: JSON.stringify(schemaOf(sample, shape, id, { token }), null, 2),
    SIDES: sideLines.join(''),
    NORMALIZER_BODY: normalizerOf(shape, `${constName}_SIDES`, token ? `${constName}_SECRET_FIELDS` : ''),
    SAMPLE: literal(sample),
    EXPECTED: literal(expected),
    E2E_EXPECTED: literal(e2eExpected),
    SET_ACTION: accessOf(shape.mapping.action),
    ACTION_PATH: shape.mapping.action.path,
    INSTRUMENT_PATH: shape.mapping.instrument.path,
    FRESH: fresh ? `${fresh}, ` : '',
    RANDOM_UUID_IMPORT: shape.id ? "import { randomUUID } from 'node:crypto';\n" : '',
    TIME_FIELDS: timeFields,
    IDEMPOTENCY_FIELD: shape.id ? JSON.stringify(shape.id).replaceAll('"', "'") : 'null',
    IDEMPOTENCY_NOTE: shape.id
      ? ''
      : "  // TODO(new-source): the sample has no id field, so the body's hash is the key: the same bytes twice are one signal.\n",
  };
}
