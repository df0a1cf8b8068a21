import type { WebhookContext } from '@gateway/contracts';
import { isPlainObject } from './payload-reader';

const WHITESPACE = /\s/;

interface Member {
  name: string;
  /** Index of the opening quote of its key. */
  start: number;
  /** Index just past the end of its value. */
  end: number;
}

/** Index just past the string whose opening quote is at `open`. */
function pastString(text: string, open: number): number {
  let i = open + 1;
  while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

function skipWhitespace(text: string, i: number): number {
  while (WHITESPACE.test(text[i] ?? '')) i++;
  return i;
}

/** Index just past the JSON value starting at `i` (whitespace already skipped). */
function pastValue(text: string, i: number): number {
  if (text[i] === '"') return pastString(text, i);
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = pastString(text, i) - 1;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (c === ',' && depth === 0) return i;
  }
  return i;
}

/** The members of the top-level object in `text`, which must be valid JSON holding an object. */
function topLevelMembers(text: string): Member[] {
  const members: Member[] = [];
  let i = skipWhitespace(text, text.indexOf('{') + 1);
  while (text[i] === '"') {
    const start = i;
    const keyEnd = pastString(text, start);
    // A key may be escaped ("pass\u0070hrase"); decode it exactly as JSON.parse did.
    const name = JSON.parse(text.slice(start, keyEnd)) as string;
    const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    let end = pastValue(text, valueStart);
    // Trailing whitespace belongs to the separator, not the value.
    while (end > valueStart && WHITESPACE.test(text[end - 1])) end--;
    members.push({ name, start, end });
    i = skipWhitespace(text, end);
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
  }
  return members;
}

/**
 * `text` (a JSON object) without its top-level members named in `names`, every occurrence of
 * them, leaving every other byte as it was: the raw event stays the body as sent, minus the secret.
 */
export function withoutTopLevelMembers(text: string, names: readonly string[]): string {
  const members = topLevelMembers(text);
  if (!members.some((m) => names.includes(m.name))) return text;
  let out = text.slice(0, members[0].start);
  let first = true;
  members.forEach((member, index) => {
    if (names.includes(member.name)) return;
    // Every kept member but the first keeps the separator that stood before it.
    if (!first) out += text.slice(members[index - 1].end, member.start);
    out += text.slice(member.start, member.end);
    first = false;
  });
  return out + text.slice(members[members.length - 1].end);
}

/**
 * The body as it may be published and hashed: the exact bytes received, unless the payload is a
 * JSON object carrying one of the source's `secretFields`, which are then cut out of it.
 */
export function publishableBody(webhook: WebhookContext): Buffer {
  const secrets = webhook.adapter?.secretFields;
  if (!secrets?.length) return webhook.body;
  let payload: unknown;
  try {
    payload = webhook.json();
  } catch {
    return webhook.body; // not JSON: there is no field to remove
  }
  if (!isPlainObject(payload) || !secrets.some((name) => Object.hasOwn(payload, name))) return webhook.body;
  return Buffer.from(withoutTopLevelMembers(webhook.body.toString('utf8'), secrets));
}
