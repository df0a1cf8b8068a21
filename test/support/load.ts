import { randomUUID } from 'node:crypto';
import { SECRET } from './gateway';
import { signed, tradingViewAlert } from './signing';

export interface Outcome {
  status: number; // 0: no HTTP answer (connection refused or reset)
  at: number; // when it was sent (performance.now())
  ms: number;
  eventId?: string;
  code?: string; // the problem code, or why no HTTP answer came
  /** With status 0: the system error that ended the attempt (ECONNREFUSED, ECONNRESET...), if any. */
  errorCode?: string;
}

/**
 * Sustained signed load: `concurrency` senders, each posting a fresh TradingView alert (own nonce,
 * own idempotency key) as soon as its previous one is answered, until `stop()` resolves.
 */
export async function signedLoad(
  url: string,
  { concurrency, until }: { concurrency: number; until: Promise<unknown> },
): Promise<Outcome[]> {
  let running = true;
  void until.finally(() => (running = false));
  const outcomes: Outcome[] = [];

  const sender = async (): Promise<void> => {
    while (running) {
      const body = tradingViewAlert({ id: randomUUID() });
      const started = performance.now();
      try {
        const res = await fetch(`${url}/webhooks/tradingview`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', ...signed(SECRET, body) },
          // Far above the contract's 2.5 s, so a slow answer is measured rather than cut off.
          signal: AbortSignal.timeout(10_000),
        });
        // A balancer's own error page is not JSON: keep its status, not a parse failure.
        const text = await res.text();
        const json = (text.startsWith('{') ? JSON.parse(text) : {}) as { event_id?: string; code?: string };
        outcomes.push({
          status: res.status,
          at: started,
          ms: performance.now() - started,
          eventId: json.event_id,
          code: json.code,
        });
      } catch (err) {
        const cause = (err as Error & { cause?: Error & { code?: string } }).cause;
        outcomes.push({
          status: 0,
          at: started,
          ms: performance.now() - started,
          code: cause?.message ?? (err as Error).message,
          errorCode: cause?.code ?? (err as Error & { code?: string }).code,
        });
        await new Promise((r) => setTimeout(r, 20)); // a refused connection fails at once: don't spin
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return outcomes;
}

/** Counts by status, e.g. { '202': 812, '503': 40 }. */
export const statusCounts = (outcomes: Outcome[]): Record<string, number> =>
  outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.status]: (acc[o.status] ?? 0) + 1 }), {});

export const slowestMs = (outcomes: Outcome[]): number => Math.max(0, ...outcomes.map((o) => o.ms));

/**
 * The 202s whose raw or normalized event is not stored exactly once, given a StreamReader census:
 * what a chaos test must find empty.
 */
export const acceptedButNotStoredOnce = (outcomes: Outcome[], stored: Map<string, number>): Outcome[] =>
  outcomes
    .filter((o) => o.status === 202)
    .filter(
      (o) =>
        stored.get(`signals.raw ${o.eventId}`) !== 1 || stored.get(`signals.normalized ${o.eventId}`) !== 1,
    );
