import { randomUUID } from 'node:crypto';
import { SECRET } from './gateway';
import { post, signed, tradingViewAlert } from './signing';

/** One answer as its sender saw it. */
export interface TimedReply {
  status: number;
  /** When it was sent (performance.now()). */
  at: number;
  /** From sending to the whole answer, in ms. */
  ms: number;
  code?: string;
  retryAfter?: number;
  /** The stored event's id, on a 2xx. */
  eventId?: string;
}

/** A signed request, prepared before the clock starts so signing is not part of what is timed. */
export interface Prepared {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** A fresh TradingView alert (own id and nonce) for `<baseUrl>/webhooks/tradingview`. */
export const tradingViewRequest = (baseUrl: string): Prepared => {
  const body = tradingViewAlert({ id: randomUUID() });
  return {
    url: `${baseUrl}/webhooks/tradingview`,
    body,
    headers: { 'content-type': 'application/json', ...signed(SECRET, body) },
  };
};

/** A fresh canonical signal from `source` for `<baseUrl>/webhooks/custom`. */
export const customRequest = (baseUrl: string, source: string): Prepared => {
  const body = JSON.stringify({ source, instrument: 'ETHUSDT', action: 'buy', id: randomUUID() });
  return {
    url: `${baseUrl}/webhooks/custom`,
    body,
    headers: { 'content-type': 'application/json', ...signed(SECRET, body) },
  };
};

export async function sendTimed({ url, body, headers }: Prepared): Promise<TimedReply> {
  const started = performance.now();
  try {
    const reply = await post(url, body, headers);
    const retryAfter = reply.headers.get('retry-after');
    return {
      status: reply.status,
      at: started,
      ms: performance.now() - started,
      code: (reply.json as { code?: string } | null)?.code,
      eventId: (reply.json as { event_id?: string } | null)?.event_id,
      retryAfter: retryAfter === null ? undefined : Number(retryAfter),
    };
  } catch {
    return { status: 0, at: started, ms: performance.now() - started };
  }
}

/** Sends `requests` spread evenly over `spreadMs` (each at its own moment, not one after another). */
export async function sendSpread(requests: Prepared[], spreadMs: number): Promise<TimedReply[]> {
  const step = requests.length > 1 ? spreadMs / (requests.length - 1) : 0;
  return Promise.all(
    requests.map(
      (request, i) =>
        new Promise<TimedReply>((resolve) => setTimeout(() => resolve(sendTimed(request)), i * step)),
    ),
  );
}

/** Counts by status, e.g. { '202': 812, '429': 40 }. */
export const countByStatus = (replies: TimedReply[]): Record<string, number> =>
  replies.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

export const slowest = (replies: TimedReply[]): number => Math.max(0, ...replies.map((r) => r.ms));

/** Seconds from the first request sent to the last (timers run late on a busy machine). */
export const sendingSeconds = (replies: TimedReply[]): number =>
  (Math.max(...replies.map((r) => r.at)) - Math.min(...replies.map((r) => r.at))) / 1000;
