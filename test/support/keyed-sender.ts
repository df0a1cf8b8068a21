import { samplesOf } from './exposition';
import { signed, tradingViewAlert } from './signing';

/** Posts fresh TradingView alerts signed with a chosen key, and tallies the 202s per key. */
export class KeyedSender {
  readonly accepted = new Map<string, number>();
  private inFlight = new Map<string, number>();

  constructor(private readonly url: string) {}

  async send(key: string): Promise<number> {
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      const body = tradingViewAlert();
      const res = await fetch(`${this.url}/webhooks/tradingview`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...signed(key, body) },
      });
      await res.arrayBuffer();
      if (res.status === 202) this.accepted.set(key, (this.accepted.get(key) ?? 0) + 1);
      return res.status;
    } finally {
      this.inFlight.set(key, this.inFlight.get(key)! - 1);
    }
  }

  /** Sends with `key` every 100 ms until one gets `status`; fails after `timeoutMs`. */
  async until(key: string, status: number, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while ((await this.send(key)) !== status) {
      if (Date.now() > end) throw new Error(`no ${status} for that key within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Resolves once no request signed with `key` is waiting for its answer. */
  async drained(key: string): Promise<void> {
    while ((this.inFlight.get(key) ?? 0) > 0) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * Steady load: `concurrency` senders, each signing with `keyNow()` as it sends, until `stop`
   * resolves. Returns each answer with the key that signed it.
   */
  async load(
    keyNow: () => string,
    { concurrency, stop }: { concurrency: number; stop: Promise<unknown> },
  ): Promise<{ key: string; status: number }[]> {
    let running = true;
    void stop.finally(() => (running = false));
    const answers: { key: string; status: number }[] = [];
    const sender = async () => {
      while (running) {
        const key = keyNow();
        answers.push({ key, status: await this.send(key).catch(() => 0) });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, sender));
    return answers;
  }
}

/** The value of one sample of `/metrics` at `url` (0 when absent). */
export async function metricValue(
  url: string,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sample = samplesOf(text).find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return sample?.value ?? 0;
}
