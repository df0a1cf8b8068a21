import { NatsFailure } from './nats-failure';
import type { NatsFailureTracker } from './nats-failure.tracker';
import type { NatsConnectionState } from './nats-connection.state';
import type { NatsModuleOptions } from './nats.options';
import { writeFailureKind } from './store-error';
import type { StreamReadiness } from './stream-readiness';

/**
 * What the outcome of each JetStream write tells about the stream. Writes are the first to find
 * a stream deleted or full, long before the periodic check would: what they find is reported,
 * and a stream or bucket gone is looked for (and provisioned again) at once.
 */
export class WriteOutcomes {
  constructor(
    private readonly connection: NatsConnectionState,
    private readonly readiness: StreamReadiness,
    private readonly failures: NatsFailureTracker,
    private readonly options: NatsModuleOptions,
  ) {}

  /** A write to `subject` failed: a full stream is reported; a stream or bucket gone, provisioned again. */
  failed(subject: string, err: unknown): void {
    const kind = writeFailureKind(err);
    if (kind === 'full') {
      this.failures.fail(
        new NatsFailure('stream_full', `stream ${this.options.stream} is full: ${(err as Error).message}`),
      );
    } else if (kind === 'gone' && this.readiness.ready && this.connection.nc) {
      const cause = subject.startsWith('$KV.') ? 'bucket_missing' : 'stream_missing';
      this.failures.fail(
        new NatsFailure(cause, `no stream answered a write to ${subject.split('.', 2).join('.')}`),
      );
      void this.readiness.provision(this.connection.nc);
    }
  }

  /** A write was stored: whatever failed before (a full stream, a denied subject) works again. Cheap: it runs on every publish. */
  succeeded(): void {
    if (this.failures.currentCause) this.failures.recovered();
  }
}
