import { ProblemException } from '@gateway/contracts';
import { webhookRequest } from '@gateway/testing';
import { idempotencyKeyOf } from './idempotency-key';

const keyOf = (body: string, headers: Record<string, string> = {}, idempotencyKey?: string) => {
  const { webhook } = webhookRequest({ body, headers });
  return idempotencyKeyOf(webhook, { idempotencyKey }, webhook.body);
};

describe('idempotencyKeyOf (CONTRACT.md 1.3)', () => {
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
  ])('then the payload id of %s', (body, key) => {
    expect(keyOf(body)).toBe(key);
  });

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
});
