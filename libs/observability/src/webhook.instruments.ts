import { Injectable } from '@nestjs/common';
import { PROBLEMS, type ProblemCode } from '@gateway/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import {
  VALIDATION_ERRORS_TOTAL,
  WEBHOOK_DURATION_SECONDS,
  WEBHOOKS_DUPLICATE_TOTAL,
  WEBHOOKS_RECEIVED_TOTAL,
  WEBHOOKS_REJECTED_TOTAL,
} from './webhook.metrics';

/** Problem codes that mean "the payload was wrong" (gateway_validation_errors_total{type}). */
const PAYLOAD_ERRORS = [
  'invalid_json',
  'invalid_source',
  'schema_validation_failed',
  'signal_stale',
] as const;

/** The contract answers 200 only for a duplicate; a new event is a 202. */
const DUPLICATE_STATUS = 200;

const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];
/** Every answer a webhook can get (docs/contract.md 1.2), whose series exist from the start. */
const WEBHOOK_STATUSES = [...new Set([200, 202, ...Object.values(PROBLEMS).map((p) => p.status)])];

/** An error answer that no exception filter named (it should not happen): still counted. */
const UNNAMED_PROBLEM = 'unknown';

/**
 * The label children of one source, bound on its first request and reused after: the request
 * path only looks a child up, it never builds a label object. Every key is bounded (an HTTP
 * status, a problem code of ours), as the source label itself is.
 */
class SourceInstruments {
  private readonly byStatus = new Map<number, Counter.Internal>();
  private readonly byCode = new Map<string, Counter.Internal>();
  readonly duration: Histogram.Internal<'source'>;
  readonly duplicates: Counter.Internal;

  constructor(
    private readonly source: string,
    private readonly metrics: WebhookInstruments,
  ) {
    this.duration = metrics.duration.labels(source);
    this.duplicates = metrics.duplicates.labels(source);
  }

  received(status: number): Counter.Internal {
    let child = this.byStatus.get(status);
    if (!child)
      this.byStatus.set(status, (child = this.metrics.received.labels(this.source, String(status))));
    return child;
  }

  rejected(code: string): Counter.Internal {
    let child = this.byCode.get(code);
    if (!child) this.byCode.set(code, (child = this.metrics.rejected.labels(this.source, code)));
    return child;
  }
}

/** The webhook request metrics, recorded once per answer by the telemetry middleware. */
@Injectable()
export class WebhookInstruments {
  private readonly sources = new Map<string, SourceInstruments>();
  private readonly payloadErrors: ReadonlyMap<string, Counter.Internal>;

  constructor(
    @InjectMetric(WEBHOOKS_RECEIVED_TOTAL) readonly received: Counter<'source' | 'status'>,
    @InjectMetric(WEBHOOK_DURATION_SECONDS) readonly duration: Histogram<'source'>,
    @InjectMetric(VALIDATION_ERRORS_TOTAL) validationErrors: Counter<'type'>,
    @InjectMetric(WEBHOOKS_REJECTED_TOTAL) readonly rejected: Counter<'source' | 'code'>,
    @InjectMetric(WEBHOOKS_DUPLICATE_TOTAL) readonly duplicates: Counter<'source'>,
  ) {
    this.payloadErrors = new Map(PAYLOAD_ERRORS.map((code) => [code, validationErrors.labels(code)]));
    this.payloadErrors.forEach((counter) => counter.inc(0));
  }

  /**
   * Creates every series of `sources` at 0 (the sources known at start: allowed ids and routes).
   * prom-client makes a labelled series only when first touched, and `increase()` cannot see the
   * step from "absent" to 1: without this, an alert would miss a pod's first 503 or 401.
   */
  prime(sources: Iterable<string>): void {
    for (const source of sources) {
      const instruments = this.of(source);
      WEBHOOK_STATUSES.forEach((status) => instruments.received(status).inc(0));
      PROBLEM_CODES.forEach((code) => instruments.rejected(code).inc(0));
      this.duration.zero({ source });
      instruments.duplicates.inc(0);
    }
  }

  /** `source` must be a bounded label (WebhookContext.sourceLabel), `code` one of our problem codes. */
  record(source: string, status: number, code: string | undefined, seconds: number): void {
    const instruments = this.of(source);
    instruments.received(status).inc();
    instruments.duration.observe(seconds);
    if (status === DUPLICATE_STATUS) instruments.duplicates.inc();
    if (status >= 400) instruments.rejected(code ?? UNNAMED_PROBLEM).inc();
    if (code) this.payloadErrors.get(code)?.inc();
  }

  private of(source: string): SourceInstruments {
    let instruments = this.sources.get(source);
    if (!instruments) this.sources.set(source, (instruments = new SourceInstruments(source, this)));
    return instruments;
  }
}
