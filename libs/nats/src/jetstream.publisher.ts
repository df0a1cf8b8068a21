import { Inject, Injectable } from '@nestjs/common';
import {
  EventPublisher,
  EventTooLargeError,
  GatewayEvent,
  NotStoredError,
  type PreparedEvent,
  type Priority,
  type StoreAck,
  PUBLISH_SUBJECTS,
  type PublishSubject,
} from '@gateway/contracts';
import type { MsgHdrs } from 'nats';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { eventHeaders } from './event-headers';
import { NatsConnectionManager } from './nats-connection.manager';
import { JsErrorCode, jsErrorCode } from './nats-error-code';
import { NATS_OPTIONS } from './nats.module-definition';
import { NATS_PUBLISH_DURATION_SECONDS, NATS_PUBLISH_TOTAL } from './nats.metrics';
import type { NatsModuleOptions } from './nats.options';
import { PublishBuffer } from './publish-buffer';
import { SchemaRegistry } from './schema-registry';
import { storeErrorOf } from './store-error';
import { timeLeft } from './time-left';

/** The header a raw event's body fingerprint (SHA-256 of the body as published) is stored in. */
export const BODY_FINGERPRINT_HEADER = 'X-Body-Sha256';

/** Never a message id of ours (those are UUIDs): the expected last id of a write that must be a duplicate. */
const NO_MESSAGE_ID = '-';

/** A prepared event as this publisher made it: the bytes and headers to send. */
interface NatsEvent extends PreparedEvent {
  readonly data: Uint8Array;
  readonly headers: MsgHdrs;
  readonly fingerprint?: string;
}

/** One subject's label children, bound once: publishing never builds a label object. */
interface SubjectInstruments {
  ok: Counter.Internal;
  duplicate: Counter.Internal;
  error: Counter.Internal;
  duration: Histogram.Internal<'subject'>;
}

/** Publishes events and waits for JetStream's acknowledgement, bounded by the publish timeout. */
@Injectable()
export class JetStreamPublisher extends EventPublisher {
  private readonly instruments: ReadonlyMap<PublishSubject, SubjectInstruments>;

  constructor(
    private readonly connection: NatsConnectionManager,
    @Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions,
    @InjectMetric(NATS_PUBLISH_TOTAL) published: Counter<'subject' | 'status'>,
    @InjectMetric(NATS_PUBLISH_DURATION_SECONDS) duration: Histogram<'subject'>,
    private readonly buffer: PublishBuffer,
    private readonly schemas: SchemaRegistry,
  ) {
    super();
    this.instruments = new Map(
      PUBLISH_SUBJECTS.map((subject) => [
        subject,
        {
          ok: published.labels(subject, 'ok'),
          duplicate: published.labels(subject, 'duplicate'),
          error: published.labels(subject, 'error'),
          duration: duration.labels(subject),
        },
      ]),
    );
    // Every series exists from the start at 0, so increase() and the alerts see the first failure.
    for (const [subject, child] of this.instruments) {
      [child.ok, child.duplicate, child.error].forEach((counter) => counter.inc(0));
      duration.zero({ subject });
    }
  }

  prepare(
    subject: PublishSubject,
    msgId: string,
    event: GatewayEvent,
    corrId: string,
    fingerprint?: string,
    onlyIfStored = false,
    traceparent?: string,
  ): PreparedEvent {
    const headers = eventHeaders(event, corrId, msgId);
    if (fingerprint !== undefined) headers.set(BODY_FINGERPRINT_HEADER, fingerprint);
    // JetStream answers a stored id as a duplicate before it checks this; for a new id the check
    // fails (no message id is ever this), so nothing is written: a write that may only be a duplicate.
    if (onlyIfStored) headers.set('Nats-Expected-Last-Msg-Id', NO_MESSAGE_ID);
    if (traceparent !== undefined) headers.set('traceparent', traceparent);
    const data = Buffer.from(JSON.stringify(event));
    // What nats.js checks (payload + encoded headers against the server's max_payload), checked
    // here before anything of the webhook is published, so a 413 stores nothing.
    if (data.length + encodedSize(headers) > this.connection.jetStream().maxPayload) {
      throw new EventTooLargeError(
        'the event built from this body is over the event store message size limit (NATS max_payload)',
      );
    }
    // After the size check, whose jetStream() refuses at once until NATS, and so the registry, is ready.
    this.schemas.assertValid(event);
    const prepared: NatsEvent = { subject, msgId, data, headers, fingerprint };
    return prepared;
  }

  async send(prepared: PreparedEvent, deadline: number, priority: Priority = 'normal'): Promise<StoreAck> {
    const { subject, data, headers, fingerprint } = prepared as NatsEvent;
    const js = this.connection.jetStream();
    const instruments = this.instruments.get(subject)!;
    try {
      const ack = await this.buffer.hold(async () => {
        // Timed inside the buffer: a write refused because the buffer is full never reached NATS.
        const started = performance.now();
        try {
          return await js.publish(subject, data, headers, timeLeft(deadline));
        } finally {
          instruments.duration.observe((performance.now() - started) / 1000);
        }
      }, priority);
      (ack.duplicate ? instruments.duplicate : instruments.ok).inc();
      this.connection.writeSucceeded();
      if (!ack.duplicate || fingerprint === undefined) return { duplicate: ack.duplicate };
      // A duplicate id: which body did the original carry? Only then one more round trip.
      const stored = await js.headerAt(
        this.options.stream,
        ack.seq,
        BODY_FINGERPRINT_HEADER,
        timeLeft(deadline),
      );
      return { duplicate: true, storedFingerprint: stored };
    } catch (err) {
      if (jsErrorCode(err) === JsErrorCode.WrongLastMsgId) {
        throw new NotStoredError(`${prepared.msgId} is not stored on ${subject}`);
      }
      instruments.error.inc();
      this.connection.writeFailed(subject, err);
      throw storeErrorOf(err, `publish to ${subject}`);
    }
  }
}

/** The bytes nats.js sends for `headers`: `NATS/1.0\r\n`, a `key: value\r\n` line per value, `\r\n`. */
function encodedSize(headers: MsgHdrs): number {
  let size = 'NATS/1.0\r\n\r\n'.length;
  for (const [key, values] of headers) {
    for (const value of values) size += Buffer.byteLength(`${key}: ${value}\r\n`);
  }
  return size;
}
