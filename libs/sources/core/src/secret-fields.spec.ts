import { WebhookContext, type SourceAdapter } from '@gateway/contracts';
import fc from 'fast-check';
import { publishableBody, withoutTopLevelMembers } from './secret-fields';

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

describe('publishableBody', () => {
  const adapter = { secretFields: SECRET } as unknown as SourceAdapter;
  const webhookWith = (text: string, secretFields = adapter) => {
    const webhook = new WebhookContext('tradingview', 'c', {});
    webhook.adapter = secretFields;
    webhook.body = Buffer.from(text);
    return webhook;
  };

  it('is the very same bytes when there is no secret field', () => {
    const webhook = webhookWith('{"ticker":"X"}');
    expect(publishableBody(webhook)).toBe(webhook.body);
  });

  it('is the very same bytes for a body that is not a JSON object', () => {
    for (const text of ['passphrase=pp', '["passphrase"]', '{"passphrase":']) {
      const webhook = webhookWith(text);
      expect(publishableBody(webhook)).toBe(webhook.body);
    }
  });

  it('cuts the secret field out of a JSON object', () => {
    expect(publishableBody(webhookWith('{"ticker":"X", "passphrase":"s3cr3t"}')).toString()).toBe(
      '{"ticker":"X"}',
    );
  });

  it('leaves the body alone for a source without secret fields', () => {
    const webhook = webhookWith('{"passphrase":"x"}', {} as SourceAdapter);
    expect(publishableBody(webhook)).toBe(webhook.body);
  });
});
