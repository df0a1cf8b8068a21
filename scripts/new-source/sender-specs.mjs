/**
 * The end-to-end cases of a generated source that send as its senders really do, with their own
 * libraries where they publish one: a redelivery (the very request again) is the original event
 * (the gateway scheme's single-use X-Nonce excepted: there it is a replay),
 * a retry signed anew is a duplicate of it, and another body under a used delivery id is refused.
 */

const redelivery = (how, headers) => `
  describe(\`as its sender really sends (${how})\`, () => {
    it('a redelivery, the very request again, is 200 with the original event_id and stores nothing new', async () => {
      const body = alert();
      const headers = ${headers};
      const first = await send(body, headers);
      const again = await send(body, headers);

      expect(first.status).toBe(202);
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ status: 'duplicate', event_id: first.json.event_id });
      expect(await stream.about(first.json.event_id)).toHaveLength(2);
    });
`;

/** The gateway scheme's X-Nonce is a promise of one use: the very request again is a replay. */
const singleUse = (how, headers) => `
  describe(\`as its sender really sends (${how})\`, () => {
    it('the very request again is 401 replayed_nonce (its X-Nonce is single use) and stores nothing new', async () => {
      const body = alert();
      const headers = ${headers};
      const first = await send(body, headers);
      const again = await send(body, headers);

      expect(first.status).toBe(202);
      expect([again.status, again.json.code]).toEqual([401, 'replayed_nonce']);
      expect(await stream.about(first.json.event_id)).toHaveLength(2);
    });
`;

const retry = (headersOf) => `
    it('a retry signed anew is a duplicate of the same event', async () => {
      const body = alert();
      const first = await send(body, ${headersOf('0')});
      const retry = await send(body, ${headersOf('1')});

      expect(first.status).toBe(202);
      expect(retry.json).toMatchObject({ status: 'duplicate', event_id: first.json.event_id });
    });
`;

const end = `  });
`;

export const SENDER_SPECS = {
  hmac: {
    SENDER_IMPORT: '',
    SENDER_TESTS:
      singleUse('the X-Signature scheme', 'signed(SOURCE_SECRET, body)') +
      retry(() => 'signed(SOURCE_SECRET, body)') +
      end,
  },
  'standard-webhooks': {
    SENDER_IMPORT: '',
    SENDER_TESTS:
      redelivery('signed by the standardwebhooks library', 'standardSigned(SOURCE_SECRET, body)') +
      `
    it('a retry (its webhook-id, signed anew at a later time) is a duplicate of the same event', async () => {
      const body = alert();
      const [id, at] = [\`msg_\${randomUUID()}\`, new Date()];
      const first = await send(body, standardSigned(SOURCE_SECRET, body, { id, at }));
      const later = new Date(at.getTime() + 5000);
      const retry = await send(body, standardSigned(SOURCE_SECRET, body, { id, at: later }));

      expect(first.status).toBe(202);
      expect(retry.json).toMatchObject({ status: 'duplicate', event_id: first.json.event_id });
    });
` +
      end,
  },
  github: {
    SENDER_IMPORT: "import { githubDelivery } from './support/sender-libraries';\n",
    SENDER_TESTS:
      redelivery(
        "signed by GitHub's @octokit/webhooks-methods",
        'githubDelivery(SOURCE_SECRET, body, randomUUID())',
      ) +
      `
    it('another body under a stored delivery id is 401 replayed_nonce and stores nothing', async () => {
      const delivery = randomUUID();
      const body = alert();
      expect((await send(body, githubDelivery(SOURCE_SECRET, body, delivery))).status).toBe(202);
      const stored = await stream.count();
      const other = alert();
      const replay = await send(other, githubDelivery(SOURCE_SECRET, other, delivery));

      expect([replay.status, replay.json.code]).toEqual([401, 'replayed_nonce']);
      expect(await stream.count()).toBe(stored);
    });
` +
      end,
  },
  stripe: {
    SENDER_IMPORT: "import { stripeDelivery } from './support/sender-libraries';\n",
    SENDER_TESTS:
      redelivery('signed by the Stripe SDK', 'stripeDelivery(SOURCE_SECRET, body)') +
      retry((later) => `stripeDelivery(SOURCE_SECRET, body, Math.floor(Date.now() / 1000) + ${later})`) +
      `
    it('401 stale_timestamp for a signature older than the replay window', async () => {
      const body = alert();
      const reply = await send(body, stripeDelivery(SOURCE_SECRET, body, Math.floor(Date.now() / 1000) - 600));

      expect([reply.status, reply.json.code]).toEqual([401, 'stale_timestamp']);
    });
` +
      end,
  },
  token: { SENDER_IMPORT: '', SENDER_TESTS: '' },
};
