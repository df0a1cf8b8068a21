import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { VerifiedTallies } from './verified-tallies';

export const WEBHOOKS_VERIFIED_TOTAL = 'gateway_webhooks_verified_total';

/** By key id or fingerprint: a rotation is done when the old key's rate has fallen to zero. */
export const securityMetricProviders = [
  VerifiedTallies,
  makeCounterProvider({
    name: WEBHOOKS_VERIFIED_TOTAL,
    help: 'Webhooks whose HMAC signature verified and whose source was allowed, by source and key id.',
    labelNames: ['source', 'key'],
    inject: [VerifiedTallies],
    collect(this: Counter<'source' | 'key'>, tallies: VerifiedTallies) {
      tallies.reportTo(this);
    },
  }),
];
