import { specSource, webhookRequest } from '@gateway/testing';
import { requestDigest } from './request-digest';

const digestOf = (body: string, headers: Record<string, string> = {}, nonceSignsBody = false) =>
  requestDigest(webhookRequest({ servedBy: specSource(), body, headers }).webhook, {
    nonce: 'n',
    timestamp: 1795780800,
    nonceSignsBody,
  });

describe('requestDigest', () => {
  it('is the same for the very same request, and differs with any unsigned part that shapes the event', () => {
    expect(digestOf('{"a":1}')).toBe(digestOf('{"a":1}'));
    expect(digestOf('{"a":1}', { 'idempotency-key': 'k-2' })).not.toBe(digestOf('{"a":1}'));
    expect(digestOf('{"a":1}', { 'content-type': 'text/plain' })).not.toBe(digestOf('{"a":1}'));
  });

  it('covers the body when the nonce does not sign it (a delivery id), and leaves it to the MAC when it does', () => {
    expect(digestOf('{"a":2}')).not.toBe(digestOf('{"a":1}'));
    expect(digestOf('{"a":2}', {}, true)).toBe(digestOf('{"a":1}', {}, true));
    expect(digestOf('{"a":1}', { 'idempotency-key': 'k-2' }, true)).not.toBe(digestOf('{"a":1}', {}, true));
  });
});
