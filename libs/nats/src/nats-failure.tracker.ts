import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import { causeOf, describe, NATS_FAILURE_CAUSES, type NatsFailureCause } from './nats-failure';
import { NATS_FAILING, NATS_FAILURES_TOTAL } from './nats.metrics';

const REFUSALS = new Set<NatsFailureCause>(['auth_refused', 'auth_expired', 'tls', 'permission']);
const CONSEQUENCES = new Set<NatsFailureCause>(['unreachable', 'jetstream_unavailable']);

/** A failure as operators see it in `/healthz`. */
export interface FailureReport {
  cause: NatsFailureCause;
  message: string;
  /** RFC 3339: when it (last) happened, or for the current one, since when it lasts. */
  at: string;
}

/**
 * What keeps the gateway from writing to NATS, and what last did. Retries fail over and over
 * with the same cause; the log gets one line when the cause changes and one when it clears, the
 * metrics count every failure, and `/healthz` shows both the current and the last one.
 */
@Injectable()
export class NatsFailureTracker {
  private readonly logger = new Logger('Nats');
  private current?: FailureReport;
  private last?: FailureReport;

  constructor(
    @InjectMetric(NATS_FAILURES_TOTAL) private readonly failures: Counter<'cause'>,
    @InjectMetric(NATS_FAILING) private readonly failing: Gauge<'cause'>,
  ) {
    // Every series exists from the start, so an alert sees the first failure (not a new series).
    for (const cause of NATS_FAILURE_CAUSES) {
      failures.labels(cause).inc(0);
      failing.labels(cause).set(0);
    }
  }

  get currentCause(): NatsFailureCause | undefined {
    return this.current?.cause;
  }

  get report(): { failing: FailureReport | null; last_failure: FailureReport | null } {
    return { failing: this.current ?? null, last_failure: this.last ?? null };
  }

  /** `where`: the servers tried, for a failure to connect (credentials already taken out). */
  fail(err: unknown, where?: string): void {
    const cause = causeOf(err);
    const message = where ? `${describe(err)} at ${where}` : describe(err);
    const report = { cause, message, at: new Date().toISOString() };
    this.failures.labels(cause).inc();
    this.last = report;
    if (this.current?.cause === cause) return;
    // After a refusal (credentials, certificate, permission) the disconnect and the requests
    // timing out with it are its consequences, not new causes: counted, not reported, so a
    // refused login does not log "refused", "disconnected", "refused"... at every retry.
    if (this.current && REFUSALS.has(this.current.cause) && CONSEQUENCES.has(cause)) return;
    if (this.current) this.failing.labels(this.current.cause).set(0);
    this.failing.labels(cause).set(1);
    this.current = report;
    this.logger.error(
      `NATS ${cause}: ${report.message} (retrying; logged again only when the cause changes)`,
    );
  }

  /** A connection was established: the server took the credentials and the certificate. */
  connected(): void {
    if (this.current && this.current.cause !== 'permission' && REFUSALS.has(this.current.cause))
      this.recovered();
  }

  /** Writes work again. */
  recovered(): void {
    if (!this.current) return;
    const { cause, at } = this.current;
    this.failing.labels(cause).set(0);
    this.current = undefined;
    const seconds = ((Date.now() - Date.parse(at)) / 1000).toFixed(1);
    this.logger.log(`NATS recovered from ${cause} after ${seconds}s`);
  }
}
