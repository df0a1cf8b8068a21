import type { GatewayEvent } from '@gateway/contracts';
import { headers, MsgHdrs } from 'nats';

/**
 * The headers every event is published with (docs/contract.md 2), by the gateway and by the DLQ
 * replay alike. `Nats-Msg-Id` is set here when given, or by `js.publish` from its `msgID` option.
 */
export function eventHeaders(event: GatewayEvent, corrId: string, msgId?: string): MsgHdrs {
  const h = headers();
  if (msgId !== undefined) h.set('Nats-Msg-Id', msgId);
  h.set('X-Correlation-Id', corrId);
  h.set('X-Source', event.source);
  h.set('X-Schema', event.schema);
  // The registry id of the event's schema (docs/contract.md 7.4): consumers look it up there.
  h.set('Event-Schema', event.schema);
  return h;
}
