import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const WEBHOOKS_VERIFIED_TOTAL = 'gateway_webhooks_verified_total';

/** By key id or fingerprint: a rotation is done when the old key's rate has fallen to zero. */
export const securityMetricProviders = [
  makeCounterProvider({
    name: WEBHOOKS_VERIFIED_TOTAL,
    help: 'Webhooks whose HMAC signature verified and whose source was allowed, by source and key id.',
    labelNames: ['source', 'key'],
  }),
];
