import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Subjects } from '@gateway/contracts';
import { JsErrorCode, jsErrorCode } from '@gateway/nats';
import { SourceRegistry } from '@gateway/sources-core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { JsMsg } from 'nats';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Counter } from 'prom-client';
import { DeadLetterConsumer, entryOf } from './dead-letter.consumer';
import { DeadLetterRecovery, type UnrecoverableReason } from './dead-letter.recovery';
import { DeadLetterStream } from './dead-letter-stream';
import { HealLedger } from './heal-ledger';
import {
  DLQ_HEAL_GIVEN_UP_TOTAL,
  DLQ_HEAL_PASSES_TOTAL,
  DLQ_HEAL_TOTAL,
  GIVEN_UP_REASONS,
  HEAL_OUTCOMES,
  HEAL_PASS_OUTCOMES,
} from './heal.metrics';
import { DLQ_HEAL_OPTIONS, type DlqHealOptions } from './heal.options';
import type { HealerNats } from './healer-nats';
import { normalizerFingerprint } from './normalizer-fingerprint';
import { publishRecovered } from './recovered-event.publisher';

/** Reasons no later build can mend: the entry is left to a person at once. */
const PERMANENT = new Set<UnrecoverableReason>(['raw_event_missing', 'invalid_entry', 'invalid_raw_event']);
const KV_KEY = /^[-/_=.a-zA-Z0-9]{1,255}$/;
/** A pass that could not run is tried again this soon, not a whole interval later. */
const RETRY_MS = 10_000;

/**
 * Dead letters heal without a person: at start, and every DLQ_HEAL_INTERVAL_SEC, the gateway
 * re-runs signals.dlq through its own normalizers, as the manual replay does and with its
 * guarantees (the recovered event is published with the id a 202 would have given it before the
 * entry is acknowledged; the stream's duplicate window absorbs a second publish). Each entry is
 * tried once per normalizer fingerprint (a new build), at most DLQ_HEAL_MAX_ATTEMPTS times; then,
 * or at once when no build can mend it, it stays in signals.dlq for the manual replay, counted.
 */
@Injectable()
export class DlqHealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly nats: HealerNats;
  private fingerprint = '';
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;
  private failing = false;

  constructor(
    @Inject(DLQ_HEAL_OPTIONS) private readonly options: DlqHealOptions,
    stream: DeadLetterStream,
    private readonly deadLetters: DeadLetterConsumer,
    private readonly recovery: DeadLetterRecovery,
    private readonly registry: SourceRegistry,
    @InjectMetric(DLQ_HEAL_TOTAL) private readonly tries: Counter<'outcome'>,
    @InjectMetric(DLQ_HEAL_GIVEN_UP_TOTAL) private readonly givenUp: Counter<'reason'>,
    @InjectMetric(DLQ_HEAL_PASSES_TOTAL) private readonly passes: Counter<'outcome'>,
    @InjectPinoLogger('DlqHealer') private readonly logger: PinoLogger,
  ) {
    this.nats = stream as HealerNats;
    HEAL_OUTCOMES.forEach((outcome) => tries.labels(outcome).inc(0));
    HEAL_PASS_OUTCOMES.forEach((outcome) => passes.labels(outcome).inc(0));
    GIVEN_UP_REASONS.forEach((reason) => givenUp.labels(reason).inc(0));
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    this.fingerprint = normalizerFingerprint(this.options.revision, this.registry);
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over the entries the healer's durable holds; resolves when it is done. */
  runPass(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopping) return;
    this.timer = setTimeout(() => void this.runPass(), delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    const kept: JsMsg[] = [];
    let next = this.options.intervalMs;
    try {
      await this.nats.open();
      // Most passes find no dead letter at all: then no durable and no ledger are made.
      if (await this.noDeadLetters()) return void this.passed();
      const ledger = await HealLedger.open(this.nats.js, this.options.stream);
      for await (const msg of this.deadLetters.pending(this.options.durable)) {
        if (!(await this.heal(msg, ledger))) kept.push(msg);
        if (this.stopping) break;
      }
      this.passed();
    } catch (err) {
      this.passes.labels('failed').inc();
      // Once per spell of failures, not at every retry.
      if (!this.failing)
        this.logger.warn(
          `dead-letter healing failed, retrying every ${RETRY_MS / 1000}s: ${(err as Error).message}`,
        );
      this.failing = true;
      next = Math.min(next, RETRY_MS);
    } finally {
      // Offered again at the next pass (a later build), not after the consumer's ack wait.
      for (const msg of kept) msg.nak();
      await this.nats.close().catch(() => undefined);
      this.schedule(next);
    }
  }

  private passed(): void {
    this.passes.labels('completed').inc();
    if (this.failing) this.logger.info('dead-letter healing works again');
    this.failing = false;
  }

  /** Nothing in signals.dlq, or no stream yet (a first start, before the gateway provisioned it). */
  private async noDeadLetters(): Promise<boolean> {
    try {
      const info = await this.nats.jsm.streams.info(this.options.stream, { subjects_filter: Subjects.dlq });
      return !info.state.subjects?.[Subjects.dlq];
    } catch (err) {
      if (jsErrorCode(err) === JsErrorCode.StreamNotFound) return true;
      throw err;
    }
  }

  /** True when the entry is done for the healer (recovered, or left to a person). */
  private async heal(msg: JsMsg, ledger: HealLedger): Promise<boolean> {
    const msgId = msg.headers?.get('Nats-Msg-Id') ?? '';
    // A hand-made entry's id may be no valid KV key; its place in the stream always is.
    const key = KV_KEY.test(msgId) ? msgId : `seq-${msg.info.streamSequence}`;
    const record = await ledger.read(key);
    if (record.tried.includes(this.fingerprint)) return false;
    // Given up before (on a durable since replaced): left as it is, not counted again.
    if (record.tried.length >= this.options.maxAttempts) {
      msg.term();
      return true;
    }
    const recovery = await this.recovery.recover(entryOf(msg), new Date(msg.info.timestampNanos / 1e6));
    const about = {
      dlq_seq: msg.info.streamSequence,
      raw_event_id: recovery.entry?.raw_event_id,
      source: recovery.entry?.source,
    };
    if (recovery.ok) {
      const { duplicate } = await publishRecovered(
        this.nats.js,
        recovery.event,
        this.options.publishTimeoutMs,
      );
      await msg.ackAck();
      await ledger.forget(key);
      this.tries.labels(duplicate ? 'already_stored' : 'recovered').inc();
      this.logger.info(
        { ...about, event_id: recovery.event.event_id, already_stored: duplicate },
        'dead letter healed',
      );
      return true;
    }
    const tried = [...record.tried, this.fingerprint];
    // Another replica tried it meanwhile, with this very build: its try counts, not this one.
    if (!(await ledger.record(key, tried, record.revision))) return false;
    this.tries.labels('unrecoverable').inc();
    if (tried.length < this.options.maxAttempts && !PERMANENT.has(recovery.reason)) return false;
    msg.term();
    this.givenUp.labels(recovery.reason).inc();
    const left = { ...about, reason: recovery.reason, errors: recovery.errors, attempts: tried.length };
    this.logger.warn(left, 'dead letter left for a person (npm run dlq:replay)');
    return true;
  }
}
