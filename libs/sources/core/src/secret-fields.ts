import type { SourceAdapter, WebhookRequest } from '@gateway/contracts';

const WHITESPACE = /\s/;

interface Member {
  name: string;
  /** Index of the opening quote of its key. */
  start: number;
  /** Index just past the end of its value. */
  end: number;
}

/** Index just past the string whose opening quote is at `open` (the end of text if unterminated). */
function pastString(text: string, open: number): number {
  let i = open + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
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

/** Where a value that is not a JSON string ends: a number, a literal, or a bare word typed by hand. */
const BARE_VALUE_END = /[,}\]"\r\n]/g;

/**
 * `text` that is not a JSON object (a mistyped alert template, a trailing comma, a body past the
 * JSON limits) without every `"<name>": <value>` member written in it, at any depth, with one
 * adjoining comma. Its structure cannot be trusted, so the name is looked up as plain text rather
 * than tokenized: a stray quote earlier in a broken body cannot hide the member. A name that is
 * not followed by a colon is a value and stays. One pass per name, no regex backtracking: linear.
 */
export function withoutMembersInText(text: string, names: readonly string[]): string {
  return names.reduce(withoutMemberInText, text);
}

function withoutMemberInText(text: string, name: string): string {
  const key = JSON.stringify(name);
  let out = '';
  let kept = 0; // text before this index is already in `out` or cut
  for (let at = text.indexOf(key); at !== -1; at = text.indexOf(key, at + 1)) {
    const colon = skipWhitespace(text, at + key.length);
    if (text[colon] !== ':') continue;
    const valueStart = skipWhitespace(text, colon + 1);
    let end: number;
    if (text[valueStart] === '"') end = pastString(text, valueStart);
    else {
      BARE_VALUE_END.lastIndex = valueStart;
      end = BARE_VALUE_END.exec(text)?.index ?? text.length;
      while (end > valueStart && WHITESPACE.test(text[end - 1])) end--;
    }
    // Take the comma after the member (and the space after that), else the comma before it.
    let start = at;
    const next = skipWhitespace(text, end);
    if (text[next] === ',') end = skipWhitespace(text, next + 1);
    else {
      while (start > kept && WHITESPACE.test(text[start - 1])) start--;
      start = start > kept && text[start - 1] === ',' ? start - 1 : at;
    }
    // A member may begin inside the last one cut ("passphrase":"x"passphrase":"secret"): merge them.
    if (start > kept) out += text.slice(kept, start);
    kept = Math.max(kept, end);
  }
  return kept === 0 ? text : out + text.slice(kept);
}

/**
 * The body as it may be published and hashed: the exact bytes received, minus the source's
 * `secretFields`: the top-level members of a JSON object, or any member written in a body that
 * is not one (that body is published too, as a 422, so its secret must go as well).
 */
export function publishableBody(webhook: WebhookRequest, adapter: SourceAdapter): Buffer {
  const secrets = adapter.secretFields;
  if (!secrets?.length) return webhook.body;
  // Not a JSON object (not JSON, past the JSON limits, an array): published (422) all the same.
  const payload = webhook.jsonObject();
  const text = webhook.body.toString('utf8');
  if (payload === undefined) {
    const stripped = withoutMembersInText(text, secrets);
    return stripped === text ? webhook.body : Buffer.from(stripped);
  }
  if (!secrets.some((name) => Object.hasOwn(payload, name))) return webhook.body;
  return Buffer.from(withoutTopLevelMembers(text, secrets));
}
