import type { SourceAdapter } from './source-adapter';
import { STORE_BUDGET_MS, WebhookContext } from './webhook-context';

const adapter = { route: 'bot' } as SourceAdapter;
const webhookFor = (body: string, servedBy?: SourceAdapter) => {
  const webhook = new WebhookContext('bot', 'corr', {}, new Date(), servedBy);
  webhook.body = Buffer.from(body);
  return webhook;
};

describe('WebhookContext stages', () => {
  it('hands each stage the result of the one before, the later results carrying the earlier', () => {
    const webhook = webhookFor('{}', adapter);
    webhook.establish('routed', { adapter });
    webhook.establish('authenticated', { adapter, auth: { nonce: 'n' } });
    webhook.establish('allowed', { adapter, auth: { nonce: 'n' }, sourceId: 'acme' });
    expect(webhook.reached('routed').adapter).toBe(adapter);
    expect(webhook.reached('authenticated').auth.nonce).toBe('n');
    expect(webhook.reached('allowed').sourceId).toBe('acme');
  });

  it('refuses a stage that has not run, and one established out of order or twice', () => {
    const webhook = webhookFor('{}', adapter);
    expect(() => webhook.reached('routed')).toThrow(/has not run/);
    expect(() => webhook.establish('authenticated', { adapter, auth: {} })).toThrow(/out of order/);
    webhook.establish('routed', { adapter });
    expect(() => webhook.establish('routed', { adapter })).toThrow(/out of order/);
    expect(() => webhook.reached('allowed')).toThrow(/has not run/);
  });

  it('labels metrics by the allowed source id, else by the route served, else unknown', () => {
    expect(webhookFor('{}').sourceLabel).toBe('unknown');
    const webhook = webhookFor('{}', adapter);
    expect(webhook.sourceLabel).toBe('bot');
    webhook.establish('routed', { adapter });
    webhook.establish('authenticated', { adapter, auth: {} });
    expect(webhook.sourceLabel).toBe('bot');
    webhook.establish('allowed', { adapter, auth: {}, sourceId: 'acme' });
    expect(webhook.sourceLabel).toBe('acme');
  });
});

describe('WebhookContext.jsonObject', () => {
  it('is the body as a JSON object', () => {
    expect(webhookFor('{"a":1}').jsonObject()).toEqual({ a: 1 });
  });

  it.each([
    '[1]',
    '"text"',
    'null',
    'not json',
    '{"a":1,}',
    '{"a":1,"a":2}',
    `{"deep":${'['.repeat(100)}${']'.repeat(100)}}`,
  ])('is undefined for %s', (body) => {
    expect(webhookFor(body).jsonObject()).toBeUndefined();
  });
});

describe('WebhookContext.storeDeadline', () => {
  it('counts from the body’s last byte, not from the headers: a slow sender’s time is not the store’s', () => {
    const headersAt = new Date(Date.now() - 5000);
    const webhook = new WebhookContext('bot', 'corr', {}, headersAt);
    expect(webhook.storeDeadline).toBe(headersAt.getTime() + STORE_BUDGET_MS);
    const lastByte = Date.now();
    webhook.received(Buffer.from('{}'), lastByte);
    expect(webhook.storeDeadline).toBe(lastByte + STORE_BUDGET_MS);
    expect(webhook.body.toString()).toBe('{}');
  });
});
