import { ProblemException } from '@gateway/contracts';
import { specSource, webhookRequest } from '@gateway/testing';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SecurityModuleOptions } from '../security.options';
import { SourceLanes } from './source-lanes';
import { SourcePolicies } from './source-policies';
import { type SourcePolicy, uniformPolicy } from './source-policy';
import { SourcePolicyGuard } from './source-policy.guard';

const POLICY: SourcePolicy = {
  rate: 20,
  burst: 1,
  maxWaitMs: 700,
  inFlight: 100,
  priority: 'normal',
  scope: 'replica',
};

function guardFor(policy: Partial<SourcePolicy>) {
  const registry = new Registry();
  const options = {
    policy: uniformPolicy(['acme-bot'], { ...POLICY, ...policy }),
    publishReserveMs: 1500,
  } as SecurityModuleOptions;
  const lanes = new SourceLanes(
    new SourcePolicies(options),
    new Gauge({ name: 'in_flight', help: 'i', labelNames: ['source'], registers: [registry] }),
    new Histogram({ name: 'delay', help: 'd', labelNames: ['source'], registers: [registry] }),
    new Counter({ name: 'refusals', help: 'r', labelNames: ['source', 'reason'], registers: [registry] }),
    new Counter({ name: 'leases', help: 'l', labelNames: ['source'], registers: [registry] }),
  );
  return { guard: new SourcePolicyGuard(lanes, options) };
}

/** A request of acme-bot received `agoMs` ago, past the allowlist; `answered()` closes its response. */
function request(agoMs = 0, nonce = `n-${Math.random()}`) {
  const adapter = specSource();
  const { webhook, context, res } = webhookRequest({
    servedBy: adapter,
    routed: true,
    receivedAt: new Date(Date.now() - agoMs),
  });
  webhook.advance({ webhook, adapter, auth: { nonce }, sourceId: 'acme-bot', redelivery: false });
  return { context, res, answered: () => res.emit('close'), nonce };
}

/** The problem a refusal answers with. */
const problemOf = async (pending: boolean | Promise<boolean>) => {
  const err = await Promise.resolve(pending).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProblemException);
  return (err as ProblemException).problem;
};

describe('SourcePolicyGuard', () => {
  it('lets a request over the rate wait for its token instead of refusing it', async () => {
    const { guard } = guardFor({ rate: 20 }); // a token every 50 ms
    await guard.canActivate(request().context);
    const started = performance.now();
    await expect(guard.canActivate(request().context)).resolves.toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('waits no longer than the request budget leaves the publishes: a late request is refused', async () => {
    // 5/s: the next token in 200 ms, within max_wait_ms (700); but received 600 ms ago, the request
    // has 2200 - 600 - 1500 = 100 ms it may wait.
    const { guard } = guardFor({ rate: 5 });
    await guard.canActivate(request().context);
    const late = request(600);
    const refused = await problemOf(guard.canActivate(late.context));
    expect([refused.code, refused.status, refused.retryAfter]).toEqual(['rate_limited', 429, 1]);
    await expect(guard.canActivate(request(0).context)).resolves.toBe(true); // a fresh one may wait
  });

  it('answers 503 source_busy past the in-flight cap, and frees the slot on close', async () => {
    const { guard } = guardFor({ inFlight: 1, burst: 10 });
    const first = request();
    await guard.canActivate(first.context);

    const second = request();
    const busy = await problemOf(guard.canActivate(second.context));
    expect([busy.code, busy.status, busy.retryAfter]).toEqual(['source_busy', 503, 1]);

    first.answered();
    await expect(guard.canActivate(request().context)).resolves.toBe(true);
  });
});
