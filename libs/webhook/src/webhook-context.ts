import {
  assertJsonWithinLimits,
  assertUniqueMemberNames,
  isPlainObject,
  type ProblemDetails,
  type SourceAdapter,
  type WebhookRequest,
} from '@gateway/contracts';

/** JetStream's share of a webhook's 2.5 s (TradingView gives up at 3 s); the rest is ours. */
export const STORE_BUDGET_MS = 2200;

/** How a webhook's exchange ended, as the piece that answered it recorded it. */
export interface Outcome {
  /** The answer's problem, when it was refused (its `detail` never holds a secret). */
  readonly problem?: ProblemDetails;
  /** The raw event's id: the `event_id` answered, or the 422's `raw_event_id`. */
  readonly eventId?: string;
}

const NOT_PARSED = Symbol('not parsed');
const EMPTY = Buffer.alloc(0);

/**
 * One webhook request on its way in: what the request itself says (route, headers, body), the
 * result of the last step it passed (webhook-stages.ts, handed from step to step by
 * webhook-step.ts) and, at the end, its outcome. Opened by the route check, the first step; the
 * telemetry reads the last result and the outcome once the answer has left.
 */
export class WebhookContext implements WebhookRequest {
  /** The exact bytes received; set once the body has been read. */
  body: Buffer = EMPTY;

  /** When the body's last byte arrived (ms since the epoch); set by `received`. */
  private bodyReceivedAt?: number;
  private stage: unknown;
  private settled?: Outcome;
  private settledListeners?: ((outcome: Outcome) => void)[];
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
    /** W3C `traceparent` carried into its events' headers. */
    readonly traceparent?: string,
  ) {}

  /** The result of the last step passed (a webhook-stages.ts type; webhook-step.ts types it). */
  get latest(): unknown {
    return this.stage;
  }

  /** Records the result of the step just passed, for the next one. */
  advance(result: unknown): void {
    this.stage = result;
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

  /** How the exchange ended; undefined until it was answered (or when the connection went first). */
  get outcome(): Outcome | undefined {
    return this.settled;
  }

  /**
   * Records how the exchange ended, once, before the answer is written: by the controller for a
   * stored webhook, by the problem filter for a refused one. What a step holds until then (a
   * claimed nonce) is settled by the listener it registered.
   */
  settle(outcome: Outcome): void {
    if (this.settled) return;
    this.settled = outcome;
    this.settledListeners?.forEach((listener) => listener(outcome));
  }

  /** Calls `listener` with the outcome when the exchange is settled. */
  onSettled(listener: (outcome: Outcome) => void): void {
    (this.settledListeners ??= []).push(listener);
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
    const allowed = (this.stage as { sourceId?: string } | undefined)?.sourceId;
    return allowed ?? this.servedBy?.route ?? 'unknown';
  }
}
