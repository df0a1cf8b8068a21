import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, NatsContext, Payload } from '@nestjs/microservices';
import { NormalizedEventV1, Subjects } from '@gateway/contracts';
import type { EventCheck } from '@gateway/json-schema';
import type { MsgHdrs } from 'nats';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { UndecodableMessage } from './event.deserializer';
import { RecentIds } from './recent-ids';
import { RegisteredSchemas } from './registered-schemas';

/**
 * The reference consumer: takes each `signals.normalized` event, checks it against the registry's
 * schema it names, and hands it on (here: logs it). An agent copies this and replaces `handle`.
 */
@Controller()
export class NormalizedSignalController {
  private readonly handled = new RecentIds();

  constructor(
    private readonly schemas: RegisteredSchemas,
    @InjectPinoLogger('signals') private readonly logger: PinoLogger,
  ) {}

  @EventPattern(Subjects.normalized)
  receive(@Payload() data: unknown, @Ctx() context: NatsContext): void {
    const headers = context.getHeaders() as MsgHdrs | undefined;
    const corrId = headers?.get('X-Correlation-Id') || undefined;
    // The registry's schema the event names (Event-Schema), compiled once at start.
    const check: EventCheck =
      data instanceof UndecodableMessage
        ? { ok: false, errors: [{ field: 'event', message: data.reason }] }
        : this.schemas.check(headers?.get('Event-Schema') || undefined, data);
    if (!check.ok) {
      // Dropped, not retried: an event that breaks its schema will not mend by itself.
      this.logger.warn(
        { subject: context.getSubject(), corr_id: corrId, errors: check.errors },
        'signal rejected',
      );
      return;
    }
    const event = data as NormalizedEventV1;
    if (!this.handled.add(event.event_id)) {
      this.logger.debug({ event_id: event.event_id, corr_id: event.corr_id }, 'signal already handled');
      return;
    }
    this.handle(event);
  }

  /** What an agent does with a valid signal. */
  private handle(event: NormalizedEventV1): void {
    const { event_id, raw_event_id, corr_id, source, instrument, exchange, action, price, quantity } = event;
    const { timeframe, strategy, signal_time } = event;
    this.logger.info(
      {
        event_id,
        raw_event_id,
        corr_id,
        source,
        instrument,
        exchange,
        action,
        price,
        quantity,
        timeframe,
        strategy,
        signal_time,
      },
      'signal received',
    );
  }
}
