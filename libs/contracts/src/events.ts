/** The versioned events of docs/contract.md section 2. Downstream consumers depend on these shapes. */
export const Schemas = {
  raw: 'signals.raw.v1',
  normalized: 'signals.normalized.v1',
  dlq: 'signals.dlq.v1',
} as const;

export type TradeAction = 'buy' | 'sell' | 'close';

export interface RawEventV1 {
  schema: typeof Schemas.raw;
  event_id: string;
  corr_id: string;
  source: string;
  received_at: string;
  content_type: string;
  /** The body as UTF-8; a display (U+FFFD for invalid sequences) when `body_base64` is present. */
  body: string;
  /** The exact bytes, present exactly when they are not valid UTF-8 (docs/events.md). */
  body_base64?: string;
  idempotency_key: string;
}

/** The canonical signal: what every source normalizes its payload into. */
export interface Signal {
  instrument: string;
  exchange: string | null;
  action: TradeAction;
  price: number | null;
  quantity: number | null;
  timeframe: string | null;
  strategy: string | null;
  signal_time: string | null;
  extra: Record<string, unknown>;
}

export interface NormalizedEventV1 extends Signal {
  schema: typeof Schemas.normalized;
  event_id: string;
  raw_event_id: string;
  corr_id: string;
  source: string;
  received_at: string;
}

export interface ValidationIssue {
  field: string;
  message: string;
}

export interface DlqEventV1 {
  schema: typeof Schemas.dlq;
  raw_event_id: string;
  corr_id: string;
  source: string;
  errors: ValidationIssue[];
  received_at: string;
}

export type GatewayEvent = RawEventV1 | NormalizedEventV1 | DlqEventV1;
