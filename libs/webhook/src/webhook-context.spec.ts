import { problem, type SourceAdapter } from '@gateway/contracts';
import { STORE_BUDGET_MS, WebhookContext } from './webhook-context';

const adapter = { route: 'bot' } as SourceAdapter;
const webhookFor = (body: string, servedBy?: SourceAdapter) => {
  const webhook = new WebhookContext('bot', 'corr', {}, new Date(), servedBy);
  webhook.body = Buffer.from(body);
  return webhook;
};

describe('WebhookContext', () => {
  it('labels metrics by the allowed source id, else by the route served, else unknown', () => {
    expect(webhookFor('{}').sourceLabel).toBe('unknown');
    const webhook = webhookFor('{}', adapter);
    expect(webhook.sourceLabel).toBe('bot');
    webhook.advance({ webhook, adapter, auth: {} });
    expect(webhook.sourceLabel).toBe('bot');
    webhook.advance({ webhook, adapter, auth: {}, sourceId: 'acme' });
    expect(webhook.sourceLabel).toBe('acme');
  });

  it('is settled once, telling the steps that asked how it ended', () => {
    const webhook = webhookFor('{}', adapter);
    const told: unknown[] = [];
    webhook.onSettled((outcome) => told.push(outcome));
    const refused = { problem: problem('nats_unavailable', 'no ack').problem };
    webhook.settle(refused);
    webhook.settle({ eventId: 'later' });
    expect(webhook.outcome).toBe(refused);
    expect(told).toEqual([refused]);
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
