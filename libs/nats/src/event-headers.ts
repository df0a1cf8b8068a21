import type { GatewayEvent } from '@gateway/contracts';
import { headers, MsgHdrs } from 'nats';

/**
 * The headers every event is published with (CONTRACT.md 2), by the gateway and by the DLQ
 * replay alike; `Nats-Msg-Id` is set from the publish's `msgID`.
 */
export function eventHeaders(event: GatewayEvent, corrId: string): MsgHdrs {
  const h = headers();
  h.set('X-Correlation-Id', corrId);
  h.set('X-Source', event.source);
  h.set('X-Schema', event.schema);
  return h;
}
