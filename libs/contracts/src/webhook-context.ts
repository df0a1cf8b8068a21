import { assertJsonWithinLimits, assertUniqueMemberNames } from './json-limits';
import { isPlainObject } from './plain-object';
import type { SourceAdapter } from './source-adapter';
import { STAGE_ORDER, type StageName, type Stages } from './webhook-stages';

/** JetStream's share of a webhook's 2.5 s (TradingView gives up at 3 s); the rest is ours. */
export const STORE_BUDGET_MS = 2200;

export type ValidationStatus = 'valid' | 'invalid' | 'not_validated';

const NOT_PARSED = Symbol('not parsed');
const EMPTY = Buffer.alloc(0);

/**
 * One webhook request as it moves through middleware, guards, pipe and service. Created by the
 * body middleware with what the request itself says; each guard then records what it established
 * as a typed stage result (webhook-stages.ts), and the telemetry middleware reads what was
 * learned at the end.
 */
export class WebhookContext {
  /** The exact bytes received; set once the body has been read. */
  body: Buffer = EMPTY;

  // Telemetry notes, written once by the stage that learns them and read only for logs/metrics.
  /** Set by the normalization pipe. */
  validation: ValidationStatus = 'not_validated';
  /** Set by the normalization pipe for a valid payload. */
  instrument?: string;
  /** Set by the problem filter. */
  problemCode?: string;
  /**
   * Set by the replay guard: the nonce was claimed before by this very request (a sender's
   * redelivery), so it may only be answered as a duplicate of what that request stored.
   */
  redelivery = false;
  /** Set by the problem filter: the answer's `detail`, which never holds a secret. */
  problemDetail?: string;
  /** Set by the allowlist guard: the source a payload named that is not allowed (a valid source id). */
  refusedSource?: string;
  /** Set by the ingress service: the raw event's id (the `event_id` answered, or the 422's `raw_event_id`). */
  eventId?: string;
  /** W3C `traceparent` carried into its events' headers; set by the body middleware. */
  traceparent?: string;

  /** When the body's last byte arrived (ms since the epoch); set by `received`. */
  private bodyReceivedAt?: number;
  private stage?: Stages[StageName];
  private stageRank = 0;
  private parsed: unknown = NOT_PARSED;
  private parseError?: Error;

  constructor(
    /** The `<route>` of `/webhooks/<route>`, as requested. */
    readonly route: string,
    readonly corrId: string,
    readonly headers: Readonly<Record<string, string | string[] | undefined>>,
    readonly receivedAt = new Date(),
    /** The source served at `route`, if any: the route check turns it into a 404 or a `Routed`. */
    readonly servedBy?: SourceAdapter,
  ) {}

  /**
   * Records what the next stage established. Stages come in their one order (STAGE_ORDER), each
   * once: a guard mounted out of order fails loudly here instead of reading a missing result.
   */
  establish<S extends StageName>(name: S, result: Stages[S]): Stages[S] {
    if (STAGE_ORDER[name] !== this.stageRank + 1) {
      throw new Error(`webhook stage "${name}" established out of order (after stage ${this.stageRank})`);
    }
    this.stage = result;
    this.stageRank = STAGE_ORDER[name];
    return result;
  }

  /** The result of stage `name` (or of a later one, which carries it): throws when it has not run. */
  reached<S extends StageName>(name: S): Stages[S] {
    if (this.stageRank < STAGE_ORDER[name]) {
      throw new Error(`webhook stage "${name}" has not run: check the order of @WebhookRoute()'s guards`);
    }
    // Each stage's result extends the one before it (Allowed ⊃ Authenticated ⊃ Routed).
    return this.stage as Stages[S];
  }

  /** The whole body is in: its bytes, and from now on the store deadline counts. */
  received(body: Buffer, at = Date.now()): void {
    this.body = body;
    this.bodyReceivedAt = at;
  }

  /**
   * When every wait of this request on JetStream (nonce claim, then publishes) must be over, one
   * after the other: its answer then still leaves within the contract's 2.5 s of its last byte.
   * Counted from the body's last byte, not the headers: the time a slow sender takes to send it
   * is the sender's (REQUEST_TIMEOUT_MS bounds it, 408), never the store's.
   */
  get storeDeadline(): number {
    return (this.bodyReceivedAt ?? this.receivedAt.getTime()) + STORE_BUDGET_MS;
  }

  /** The media type without parameters, lower-cased ('' when absent). */
  get mediaType(): string {
    const value = this.header('content-type') ?? '';
    const semi = value.indexOf(';');
    return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  }

  /**
   * The body parsed as JSON, once. Throws a SyntaxError when it is not JSON, a JsonLimitError
   * (checked on the bytes, before parsing) when it is deeper or has longer arrays than JSON_LIMITS,
   * and a JsonDuplicateNameError when an object names a member twice (I-JSON).
   */
  json(): unknown {
    if (this.parsed === NOT_PARSED) {
      try {
        const members = assertJsonWithinLimits(this.body);
        this.parsed = JSON.parse(this.body.toString('utf8'));
        assertUniqueMemberNames(this.parsed, members);
      } catch (err) {
        this.parseError = err as Error;
        this.parsed = undefined;
      }
    }
    if (this.parseError !== undefined) throw this.parseError;
    return this.parsed;
  }

  /** The body as a JSON object, or undefined when it is not one (not JSON, past the limits, or not an object). */
  jsonObject(): Record<string, unknown> | undefined {
    try {
      const payload = this.json();
      return isPlainObject(payload) ? payload : undefined;
    } catch {
      return undefined;
    }
  }

  header(name: string): string | undefined {
    const value = this.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  /** A bounded label for metrics and logs: never an attacker-chosen string. */
  get sourceLabel(): string {
    if (this.stageRank >= STAGE_ORDER.allowed) return this.reached('allowed').sourceId;
    return this.servedBy?.route ?? 'unknown';
  }
}

/** The webhook context of the request a guard, pipe or decorator is looking at. */
export function webhookOf(req: { webhook?: WebhookContext }): WebhookContext {
  if (!req.webhook) throw new Error('no webhook context: WebhookBodyMiddleware is not mounted on this route');
  return req.webhook;
}
