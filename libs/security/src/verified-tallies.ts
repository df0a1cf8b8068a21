import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';

/** The count of one (source, key) series, as a plain number. */
export interface Tally {
  n: number;
}

interface Series extends Tally {
  readonly labels: { source: string; key: string };
  reported: number;
}

/**
 * `gateway_webhooks_verified_total{source,key}` counted as plain numbers, moved into the
 * prom-client counter when it is scraped. A prom-client child's `inc()` hashes and validates
 * its labels on every call (about 1 µs); a request here only adds 1 to a number bound when the
 * keys were loaded. A series outlives the key set that made it: a key kept across a reload keeps
 * its count, a removed one stays at its last value.
 */
@Injectable()
export class VerifiedTallies {
  private readonly series = new Map<string, Series>();

  /** The tally of `source` verified by `key` (created at 0, so a scrape shows it at once). */
  of(source: string, key: string): Tally {
    const id = `${source}\0${key}`;
    let series = this.series.get(id);
    if (!series) this.series.set(id, (series = { labels: { source, key }, n: 0, reported: 0 }));
    return series;
  }

  /** Called by the counter's collect() on each scrape. */
  reportTo(counter: Counter<'source' | 'key'>): void {
    for (const series of this.series.values()) {
      counter.inc(series.labels, series.n - series.reported);
      series.reported = series.n;
    }
  }
}
