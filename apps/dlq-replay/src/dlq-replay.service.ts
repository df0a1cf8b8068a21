import { Inject, Injectable } from '@nestjs/common';
import {
  DeadLetterConsumer,
  DeadLetterRecovery,
  entryOf,
  publishRecovered,
  Recovery,
} from '@gateway/dead-letters';
import type { JsMsg } from 'nats';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { REPLAY_CONFIG, ReplayConfig } from './config/replay-config';
import { ReplayNats } from './replay-nats';
import { ReplayReport, ReplaySummary } from './replay.report';

/**
 * One replay run over the DLQ. A recovered entry's normalized event is published (with the id the
 * gateway would have given it) before the entry is acknowledged, so a crash in between only makes
 * the next run publish it again, which JetStream's duplicate window absorbs. Entries that stay
 * unrecoverable, and every entry of a dry run, are handed back unacknowledged for the next run.
 */
@Injectable()
export class DlqReplayService {
  private stopping = false;

  constructor(
    @Inject(REPLAY_CONFIG) private readonly config: ReplayConfig,
    private readonly deadLetters: DeadLetterConsumer,
    private readonly recovery: DeadLetterRecovery,
    private readonly nats: ReplayNats,
    @InjectPinoLogger('dlq-replay') private readonly logger: PinoLogger,
  ) {}

  /** Ends the run after the entry at hand (SIGTERM). */
  stop(): void {
    this.stopping = true;
  }

  async run(): Promise<ReplaySummary> {
    const { dryRun, durable, stream } = this.config;
    this.logger.info({ dry_run: dryRun, stream, durable }, 'dlq replay started');
    const report = new ReplayReport(dryRun);
    // Entries handed back at the end, by stream sequence.
    const kept = new Map<number, JsMsg>();
    try {
      for await (const msg of this.deadLetters.pending(durable)) {
        kept.set(msg.info.streamSequence, msg);
        await this.handle(msg, report, kept);
        if (this.stopping) break;
      }
    } finally {
      // Offered to the next run at once, rather than after the consumer's ack wait.
      for (const msg of kept.values()) msg.nak();
      await this.nats.flush();
    }
    const summary = report.result;
    this.logger.info(summary, 'dlq replay finished');
    return summary;
  }

  private async handle(msg: JsMsg, report: ReplayReport, kept: Map<number, JsMsg>): Promise<void> {
    const recovery = await this.recovery.recover(entryOf(msg), new Date(msg.info.timestampNanos / 1e6));
    if (!recovery.ok || this.config.dryRun) {
      report.add(recovery);
      this.log(recovery, msg.info.streamSequence, false);
      return;
    }
    const { duplicate } = await publishRecovered(this.nats.js, recovery.event, this.config.publishTimeoutMs);
    await msg.ackAck();
    kept.delete(msg.info.streamSequence);
    report.add(recovery, duplicate);
    this.log(recovery, msg.info.streamSequence, duplicate);
  }

  private log(recovery: Recovery, seq: number, alreadyStored: boolean): void {
    const entry = recovery.entry;
    const about = {
      dlq_seq: seq,
      raw_event_id: entry?.raw_event_id,
      source: entry?.source,
      corr_id: entry?.corr_id,
    };
    if (!recovery.ok) {
      this.logger.warn(
        { ...about, reason: recovery.reason, errors: recovery.errors },
        'dead letter unrecoverable',
      );
    } else if (this.config.dryRun) {
      this.logger.info({ ...about, event_id: recovery.event.event_id }, 'dead letter would be recovered');
    } else {
      const line = { ...about, event_id: recovery.event.event_id, already_stored: alreadyStored };
      this.logger.info(line, 'dead letter recovered');
    }
  }
}
