// What `npm run new-source -- <id> --sample <file>` learns from the sender's own payload: which of
// its fields carry which canonical field, the JSON Schema of its shape, and the expected signal the
// generated specs hold the normalizer to. Guesses are by field name; each judgement call is left in
// the generated code as a `TODO(new-source)` comment.

/** The payload used when no sample is given: the example source's nested shape. */
export const DEFAULT_SAMPLE = {
  id: 'alert-1',
  signal: { symbol: 'ETH-USD', venue: 'COINBASE', side: 'long', size: '2', limit_price: 3010.5 },
  strategy: 'breakout',
  fired_at: '2026-11-27T12:00:00Z',
};

/** Field names that usually carry each canonical field, most telling first (matched lower-cased). */
const ALIASES = {
  instrument: ['instrument', 'symbol', 'ticker', 'pair', 'market', 'asset', 'coin'],
  exchange: ['exchange', 'venue', 'broker'],
  action: ['action', 'side', 'order_action', 'direction', 'signal', 'order'],
  price: ['price', 'limit_price', 'entry', 'entry_price', 'close'],
  quantity: ['quantity', 'qty', 'size', 'amount', 'contracts', 'volume'],
  timeframe: ['timeframe', 'interval', 'tf', 'resolution'],
  strategy: ['strategy', 'strategy_name', 'bot'],
  signal_time: ['signal_time', 'time', 'timestamp', 'fired_at', 'timenow', 'ts', 'created_at', 'datetime'],
};
const ID_FIELDS = ['id', 'alert_id', 'signal_id', 'message_id', 'event_id', 'uuid'];
export const CANONICAL = Object.keys(ALIASES);
const STRINGS = ['instrument', 'exchange', 'action', 'timeframe', 'strategy'];
const NUMBERS = ['price', 'quantity'];
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The spellings every generated source understands; the sample's own word is added when new. */
const SIDES = {
  buy: 'buy',
  long: 'buy',
  sell: 'sell',
  short: 'sell',
  close: 'close',
  exit: 'close',
  flat: 'close',
};

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const fits = (field, value) =>
  NUMBERS.includes(field)
    ? typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value.trim()))
    : field === 'signal_time'
      ? typeof value === 'number' || (typeof value === 'string' && RFC3339.test(value))
      : (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';

/** The sample's leaves one level deep: [path, object key ('' for the top), field key, value]. */
function leavesOf(sample) {
  const leaves = [];
  for (const [key, value] of Object.entries(sample)) {
    if (isObject(value)) for (const [k, v] of Object.entries(value)) leaves.push([`${key}.${k}`, key, k, v]);
    else leaves.push([key, '', key, value]);
  }
  return leaves;
}

/**
 * Which path of the sample carries each canonical field (`fields`: the user's own choices, by
 * path), and the id field; throws a one-line reason when the instrument or action is not found.
 */
export function mappingOf(sample, fields = {}) {
  const leaves = leavesOf(sample);
  const mapping = {};
  const taken = new Set();
  for (const field of CANONICAL) {
    const chosen = fields[field];
    const leaf = chosen
      ? leaves.find(([path]) => path === chosen)
      : ALIASES[field]
          .map((alias) =>
            leaves.find(
              ([path, , key, value]) => key.toLowerCase() === alias && !taken.has(path) && fits(field, value),
            ),
          )
          .find(Boolean);
    if (chosen && !leaf) throw new Error(`--field ${field}=${chosen}: the sample has no field ${chosen}`);
    if (leaf) {
      const [path, object, key, value] = leaf;
      mapping[field] = { path, object, key, value, guessed: !chosen };
      taken.add(path);
    }
  }
  for (const field of ['instrument', 'action']) {
    if (!mapping[field]) {
      throw new Error(
        `the sample has no field that looks like the ${field} (${ALIASES[field].join(', ')}): name it with --field ${field}=<path>`,
      );
    }
  }
  const id = ID_FIELDS.find((name) => typeof sample[name] === 'string' && !taken.has(name)) ?? null;
  const objects = [
    ...new Set(
      Object.values(mapping)
        .map((m) => m.object)
        .filter(Boolean),
    ),
  ];
  // Nested objects the mapping reads only part of: the rest goes to `extra` under the object's name.
  const partlyRead = objects.filter((o) => Object.keys(sample[o]).some((k) => !taken.has(`${o}.${k}`)));
  return { mapping, id, objects, partlyRead };
}

/** The action spellings, with the sample's word added (a judgement call) when it is not a known one. */
export function sidesOf({ mapping }) {
  const word = String(mapping.action.value).trim().toLowerCase();
  return { sides: { ...SIDES }, unknownWord: Object.hasOwn(SIDES, word) ? undefined : word };
}

const schemaOfValue = (field, value, id) => {
  if (id)
    return {
      description: "the sender's id: the idempotency key when no Idempotency-Key header is sent",
      type: 'string',
      minLength: 1,
      maxLength: 255,
    };
  if (NUMBERS.includes(field)) return { type: ['number', 'string'] };
  if (field === 'signal_time') return { description: 'RFC 3339 or Unix time', type: ['string', 'number'] };
  if (field === 'instrument' || field === 'exchange') return { type: 'string', minLength: 1, maxLength: 64 };
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'number') return { type: 'number' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (Array.isArray(value)) return { type: 'array' };
  return { description: 'TODO(new-source): null in the sample: which type is it?' };
};

/** The payload's JSON Schema: the sample's shape; nested objects closed, the top open (to `extra`). */
export function schemaOf(sample, { mapping, id }, title, { token }) {
  const fieldAt = Object.fromEntries(Object.entries(mapping).map(([field, m]) => [m.path, field]));
  const required = (object) =>
    ['instrument', 'action'].filter((f) => mapping[f].object === object).map((f) => mapping[f].key);
  const propertiesOf = (object, prefix) =>
    Object.fromEntries(
      Object.entries(object).map(([key, value]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        if (!prefix && isObject(value)) {
          const nested = {
            type: 'object',
            required: required(key),
            properties: propertiesOf(value, key),
            additionalProperties: false,
          };
          if (nested.required.length === 0) delete nested.required;
          return [key, nested];
        }
        return [key, schemaOfValue(fieldAt[path], value, !prefix && key === id)];
      }),
    );
  const properties = propertiesOf(sample, '');
  if (token)
    properties.passphrase = {
      description: "the token profile's passphrase: never published",
      type: 'string',
    };
  const top = [...new Set(['instrument', 'action'].map((f) => mapping[f].object || mapping[f].key))];
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `${title} alert`,
    description:
      'What the sender posts, as its sample showed it. The schema states the shape; the normalizer maps the words.',
    type: 'object',
    required: top,
    properties,
  };
}

const camel = (name) =>
  name.replace(/[^A-Za-z0-9]+(.)/g, (_, c) => c.toUpperCase()).replace(/^[^A-Za-z_$]+/, '');
const readerOf = (object) => (object ? `${camel(object)}Reader` : 'top');

/** The normalizer's body: one reader per object, one line per canonical field, TODOs where guessed. */
export function normalizerOf({ mapping, id, objects, partlyRead }, sideConst, extraDropped) {
  const lines = ['const top = new PayloadReader(payload);'];
  for (const object of objects) {
    lines.push(
      `const ${readerOf(object)} = new PayloadReader(payload[${JSON.stringify(object)}] as Record<string, unknown>);`,
    );
  }
  const consumed = [...(id ? [id] : []), ...objects];
  if (consumed.length) lines.push(`top.consume(${consumed.map((k) => JSON.stringify(k)).join(', ')});`);
  lines.push('const read = {');
  for (const field of CANONICAL) {
    const m = mapping[field];
    if (!m) {
      lines.push(
        `  // TODO(new-source): no field of the sample looked like the ${field} (${ALIASES[field].join(', ')}).`,
      );
      lines.push(`  ${field}: null,`);
      continue;
    }
    if (m.guessed)
      lines.push(`  // TODO(new-source): ${field} guessed from the sample's "${m.path}": check it.`);
    const reader = readerOf(m.object);
    const key = JSON.stringify([m.key]);
    const call =
      field === 'action'
        ? `${reader}.action(${key}, ${sideConst})`
        : field === 'instrument'
          ? `${reader}.string(${key}, true)`
          : field === 'quantity'
            ? `${reader}.number(${key}, { min: 0 })`
            : field === 'price'
              ? `${reader}.number(${key})`
              : field === 'signal_time'
                ? `${reader}.time(${key})`
                : `${reader}.string(${key})`;
    lines.push(`  ${field}: ${call},`);
  }
  const nestedExtra = partlyRead.map((o) => `${JSON.stringify(o)}: ${readerOf(o)}.extra()`);
  lines.push(
    `  extra: ${nestedExtra.length ? `{ ...top.extra(${extraDropped}), ${nestedExtra.join(', ')} }` : `top.extra(${extraDropped})`},`,
  );
  lines.push('};');
  for (const object of objects) {
    lines.push(`// Errors in "${object}" are named by their path in the payload.`);
    lines.push(
      `top.errors.push(...${readerOf(object)}.errors.map((e) => ({ ...e, field: \`${object}.\${e.field}\` })));`,
    );
  }
  lines.push('return resultOf(top, read);');
  return lines.map((l) => `  ${l}`).join('\n');
}

/** The signal the normalizer must make of the sample (for its unit spec). */
export function expectedSignalOf(sample, { mapping, id, objects, partlyRead }, sides) {
  const signal = {};
  for (const field of CANONICAL) {
    const value = mapping[field]?.value;
    if (value === undefined) signal[field] = null;
    else if (NUMBERS.includes(field))
      signal[field] = Number(typeof value === 'string' ? value.trim() : value);
    else if (field === 'action') signal[field] = sides[String(value).trim().toLowerCase()] ?? 'buy';
    else if (field === 'signal_time')
      signal[field] = typeof value === 'string' && RFC3339.test(value) ? value : '__ANY_TIME__';
    else signal[field] = String(value).trim();
  }
  const used = new Set(Object.values(mapping).map((m) => m.path));
  const extra = {};
  for (const [key, value] of Object.entries(sample)) {
    if (key === id) continue;
    if (partlyRead.includes(key)) {
      extra[key] = Object.fromEntries(Object.entries(value).filter(([k]) => !used.has(`${key}.${k}`)));
    } else if (!objects.includes(key) && !used.has(key)) extra[key] = value;
  }
  return { ...signal, extra };
}

/** A TypeScript literal of `value` (`__ANY_TIME__` becomes `expect.any(String)`). */
export const literal = (value) =>
  JSON.stringify(value, null, 2).replaceAll('"__ANY_TIME__"', 'expect.any(String)');

/** The sample as the end-to-end spec sends it: a fresh id and time, so each run stores it anew. */
export function freshOverrides({ mapping, id }) {
  const overrides = {};
  if (id) overrides[id] = 'randomUUID()';
  const time = mapping.signal_time;
  if (time)
    overrides[time.path] =
      typeof time.value === 'number' ? 'Math.floor(Date.now() / 1000)' : 'new Date().toISOString()';
  return Object.entries(overrides)
    .map(([path, code]) => `${JSON.stringify(path)}: ${code}`)
    .join(', ');
}
