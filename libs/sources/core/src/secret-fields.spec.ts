import { type SourceAdapter } from '@gateway/contracts';
import { WebhookContext } from '@gateway/webhook';
import fc from 'fast-check';
import { publishableBody, withoutMembersInText, withoutTopLevelMembers } from './secret-fields';

const SECRET = ['passphrase'];

describe('withoutTopLevelMembers', () => {
  it.each([
    ['{"passphrase":"pp","ticker":"X"}', '{"ticker":"X"}'],
    ['{"ticker":"X","passphrase":"pp"}', '{"ticker":"X"}'],
    ['{"a":1,"passphrase":"pp","b":2}', '{"a":1,"b":2}'],
    ['{"passphrase":"pp"}', '{}'],
    [
      '{ "a" : 1 ,\n  "passphrase" : "p,}" ,\n  "b" : [1, {"passphrase": 2}] }',
      '{ "a" : 1 ,\n  "b" : [1, {"passphrase": 2}] }',
    ],
    ['{"passphrase":"a","x":true,"passphrase":"b"}', '{"x":true}'],
    ['{"pass\\u0070hrase":"pp","x":null}', '{"x":null}'],
    ['{"ticker":"X"}', '{"ticker":"X"}'],
    ['{}', '{}'],
  ])('%s -> %s', (text, expected) => {
    expect(withoutTopLevelMembers(text, SECRET)).toBe(expected);
  });

  it('removes exactly the named members and keeps the rest as parsed (property)', () => {
    const member = fc.tuple(
      fc.oneof(fc.constant('passphrase'), fc.string({ unit: 'binary' })),
      fc.jsonValue({ maxDepth: 3 }),
    );
    fc.assert(
      fc.property(fc.array(member, { maxLength: 8 }), fc.boolean(), (members, pretty) => {
        // Written by hand so duplicate keys survive, as a sender could send them.
        const gap = pretty ? '\n  ' : '';
        const text = `{${members.map(([k, v]) => `${gap}${JSON.stringify(k)}:${JSON.stringify(v, null, pretty ? 1 : undefined)}`).join(',')}${gap}}`;
        const expected = JSON.parse(text) as Record<string, unknown>;
        delete expected.passphrase;

        const stripped = withoutTopLevelMembers(text, SECRET);
        expect(JSON.parse(stripped)).toEqual(expected);
        if (!members.some(([k]) => k === 'passphrase')) expect(stripped).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('withoutMembersInText (a body that is not a JSON object)', () => {
  it.each([
    // The mistyped alert template: a trailing comma.
    ['{"passphrase":"hunter2","ticker":"BTCUSDT",}', '{"ticker":"BTCUSDT",}'],
    ['{"ticker":"BTCUSDT","passphrase":"hunter2",}', '{"ticker":"BTCUSDT",}'],
    ['{"ticker":"X", "passphrase" : "hunter2" }', '{"ticker":"X" }'],
    ['{"a":1,\n  "passphrase": "hunter2",\n  "b":2,}', '{"a":1,\n  "b":2,}'],
    ['{"passphrase":"hun\\"ter,2}","x":1,}', '{"x":1,}'],
    // Not a string: a number, a literal, a bare word typed without quotes.
    ['{"passphrase": 123456, "x":1,}', '{"x":1,}'],
    ['{"x":1, "passphrase": true}}', '{"x":1}}'],
    ['{"passphrase": hunter two\n,"x":1', '{"x":1'],
    // Cut short, or a stray quote earlier that puts a tokenizer out of step.
    ['{"x":1,"passphrase":"hunter2', '{"x":1'],
    ['{"passphrase":', '{'],
    ['{"note":"a "quote", "passphrase":"hunter2"}', '{"note":"a "quote"}'],
    // One member overlapping the next: the value taken for the first hides the second's key.
    ['{"passphrase":"passphrase":"hunter2",}', '{}'],
    ['{"passphrase":"x"passphrase":"hunter2"}', '{}'],
    ['{"passphrase":"\\"passphrase":"hunter2"}', '{}'],
    ['{"passphrase": x"passphrase":"hunter2"}', '{}'],
    // Every occurrence, at any depth, and inside an array (valid JSON but not an object).
    ['[{"passphrase":"a"},{"passphrase":"b","x":1}]', '[{},{"x":1}]'],
    // The name as a value, or a key that merely starts like it, stays.
    ['{"note":"passphrase","passphrase2":"x",}', '{"note":"passphrase","passphrase2":"x",}'],
    ['["passphrase"]', '["passphrase"]'],
    ['passphrase=pp', 'passphrase=pp'],
  ])('%s -> %s', (text, expected) => {
    expect(withoutMembersInText(text, SECRET)).toBe(expected);
  });

  it('never lets a passphrase value through, however the body is broken (property)', () => {
    // Printable, without the characters that end a bare value, so a quoted or bare value is whole.
    const secret = fc
      .stringMatching(/^[A-Za-z0-9_\-.!@#$%^&*+=~ ]{8,32}$/)
      .filter((s) => s.trim().length >= 8);
    // Fragments of JSON, broken or not, including other passphrase keys that may swallow ours.
    const fragment = fc.constantFrom(
      ...'{}[],:"\\ \n\tx1'.split(''),
      '"passphrase"',
      '"passphrase":',
      'true',
    );
    const noise = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(
        noise,
        noise,
        secret,
        fc.boolean(),
        fc.constantFrom('', ' ', '\n  '),
        (before, after, pass, quoted, gap) => {
          const value = quoted ? JSON.stringify(pass) : pass.trim();
          const text = `${before}"passphrase"${gap}:${gap}${value}${gap}${after}`;
          fc.pre(!after.includes(pass.trim()) && !before.includes(pass.trim()));
          expect(withoutMembersInText(text, SECRET)).not.toContain(pass.trim());
        },
      ),
      { numRuns: 1000 },
    );
  });

  // No timed assertion: a quadratic scan of these would run into Jest's 5 s test timeout.
  it('gets through hostile 1 MiB bodies, leaving no passphrase member behind', () => {
    const MiB = 1024 * 1024;
    for (const unit of [
      '"passphrase"',
      '"passphrase" ',
      '"passphrase":"\\',
      '"',
      '\\"',
      ' ',
      '"passphrase":,',
    ]) {
      const text = unit.repeat(Math.ceil(MiB / unit.length));
      const result = withoutMembersInText(text, SECRET);
      expect(result.length).toBeLessThanOrEqual(text.length);
      expect(result).not.toMatch(/"passphrase"\s*:\s*[^\s,}\]]/);
    }
  });
});

describe('publishableBody', () => {
  const adapter = { secretFields: SECRET } as unknown as SourceAdapter;
  const webhookWith = (text: string) => {
    const webhook = new WebhookContext('tradingview', 'c', {});
    webhook.body = Buffer.from(text);
    return webhook;
  };

  it('is the very same bytes when there is no secret field', () => {
    const webhook = webhookWith('{"ticker":"X"}');
    expect(publishableBody(webhook, adapter)).toBe(webhook.body);
  });

  it('is the very same bytes for a body that is not a JSON object and has no secret member', () => {
    for (const text of ['passphrase=pp', '["passphrase"]', '{"ticker":"X",}']) {
      const webhook = webhookWith(text);
      expect(publishableBody(webhook, adapter)).toBe(webhook.body);
    }
  });

  it('cuts the secret field out of a JSON object', () => {
    expect(publishableBody(webhookWith('{"ticker":"X", "passphrase":"s3cr3t"}'), adapter).toString()).toBe(
      '{"ticker":"X"}',
    );
  });

  it('cuts the secret member out of a body that is not valid JSON', () => {
    expect(
      publishableBody(webhookWith('{"passphrase":"hunter2","ticker":"BTCUSDT",}'), adapter).toString(),
    ).toBe('{"ticker":"BTCUSDT",}');
  });

  it('cuts it out of a JSON object past the JSON limits, which is not parsed', () => {
    const deep = '['.repeat(100) + ']'.repeat(100);
    const body = publishableBody(
      webhookWith(`{"ticker":"X","passphrase":"hunter2","deep":${deep}}`),
      adapter,
    );
    expect(body.toString()).toBe(`{"ticker":"X","deep":${deep}}`);
  });

  it('leaves the body alone for a source without secret fields', () => {
    for (const text of ['{"passphrase":"x"}', '{"passphrase":"x",}']) {
      const webhook = webhookWith(text);
      expect(publishableBody(webhook, {} as SourceAdapter)).toBe(webhook.body);
    }
  });
});
