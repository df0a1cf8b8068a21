import { createHash } from 'node:crypto';
import { ProblemException } from '@gateway/contracts';
import { webhookRequest } from '@gateway/testing';
import { idempotencyKeyOf } from './idempotency-key';

const keyOf = (body: string, headers: Record<string, string> = {}, idempotencyKey?: string) => {
  const { webhook } = webhookRequest({ body, headers });
  return idempotencyKeyOf(
    webhook,
    { idempotencyKey },
    createHash('sha256').update(webhook.body).digest('hex'),
  );
};

describe('idempotencyKeyOf (docs/contract.md 1.3)', () => {
  it('takes the Idempotency-Key header first', () => {
    expect(keyOf('{"id":"in-body"}', { 'idempotency-key': 'from-header' }, 'msg_1')).toBe('from-header');
  });

  it.each(['', 'has space', 'é', 'x'.repeat(256)])('400 bad_request for the header %p', (header) => {
    expect(() => keyOf('{}', { 'idempotency-key': header })).toThrow(ProblemException);
  });

  it("then the scheme's message id (Standard Webhooks' webhook-id)", () => {
    expect(keyOf('{"id":"in-body"}', {}, 'msg_1')).toBe('msg_1');
  });

  it.each([
    ['{"id":"alert-7"}', 'alert-7'],
    ['{"id":42}', '42'],
    ['{"id":7000001.0}', '7000001'],
    ['{"id":"7000001"}', '7000001'],
    ['{"id":-9007199254740991}', '-9007199254740991'],
  ])('then the payload id of %s', (body, key) => {
    expect(keyOf(body)).toBe(key);
  });

  it.each(['{"id":12345678901234567890}', '{"id":9007199254740993}', '{"id":1.5}', '{"id":1e300}'])(
    '400 bad_request for the numeric id of %s: it cannot be read exactly',
    (body) => {
      expect(() => keyOf(body)).toThrow(ProblemException);
    },
  );

  it.each(['{"id":"has space"}', '{"id":null}', '{"id":[1]}', '[{"id":"x"}]', 'id=7', '{"id":"x",}'])(
    'else the SHA-256 of the body for %s',
    (body) => {
      expect(keyOf(body)).toMatch(/^sha256:[0-9a-f]{64}$/);
    },
  );

  it('hashes the body as published, so equal bodies share a key and different ones do not', () => {
    expect(keyOf('plain alert')).toBe(keyOf('plain alert'));
    expect(keyOf('plain alert')).not.toBe(keyOf('plain alert!'));
  });

  describe("the source's idempotencyField", () => {
    const withField = (body: string, field: string | null) => {
      const { webhook } = webhookRequest({ body });
      return idempotencyKeyOf(webhook, {}, createHash('sha256').update(webhook.body).digest('hex'), field);
    };

    it('reads the field the source names instead of id', () => {
      expect(withField('{"id":"not-this","alert_id":"a-1"}', 'alert_id')).toBe('a-1');
      expect(withField('{"id":"not-this"}', 'alert_id')).toMatch(/^sha256:/);
    });

    it('null: deliberately none, so the same content is the same key whatever its id', () => {
      expect(withField('{"id":"x"}', null)).toBe(withField('{"id":"x"}', null));
      expect(withField('{"id":"x"}', null)).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('never reads a field from the prototype', () => {
      expect(withField('{}', 'constructor')).toMatch(/^sha256:/);
    });
  });
});
