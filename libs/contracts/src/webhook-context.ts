import { assertJsonWithinLimits } from './json-limits';
import type { SourceAdapter } from './source-adapter';

/** JetStream's share of a webhook's 2.5 s (TradingView gives up at 3 s); the rest is ours. */
export const STORE_BUDGET_MS = 2200;

/** What authentication established about a request; replay protection builds on it. */
export interface AuthResult {
  /** Unix seconds the sender signed at, when the scheme carries one. */
  timestamp?: number;
  /** Unique per request; refused when seen again within the replay window. */
  nonce?: string;
  /** A scheme-provided idempotency key (Standard Webhooks' `webhook-id`). */
  idempotencyKey?: string;
  /**
   * Whom the secrets that signed it belong to: source ids with their own secrets, `*` for the
   * shared ones. The allowlist holds the source to its own. Absent when the credentials are bound
   * to the route itself (the TradingView token profile).
   */
  signedFor?: readonly string[];
  /** The ids of the keys that signed it (as `signedFor`), for `gateway_webhooks_verified_total{key}`. */
  keyIds?: readonly string[];
}

export type ValidationStatus = 'valid' | 'invalid' | 'not_validated';

const NOT_PARSED = Symbol('not parsed');

/**
 * One webhook request as it moves through middleware, guards, pipe and service. Created by the
 * body middleware; each stage adds what it learned, and the telemetry middleware reads it at the end.
 */
export class WebhookContext {
  adapter?: SourceAdapter;
  /** The source the request speaks for, once identified (for /webhooks/custom, from the body). */
  sourceId?: string;
  /** True once the source passed the allowlist; only then is `sourceId` a safe metric label. */
  allowed = false;
  auth: AuthResult = {};
  instrument?: string;
  validation: ValidationStatus = 'not_validated';
  problemCode?: string;
  private parsed: unknown = NOT_PARSED;
  private parseError?: Error;

  /** The exact bytes received; set once the body has been read. */
  body: Buffer = Buffer.alloc(0);

  constructor(
    /** The `<route>` of `/webhooks/<route>`, as requested. */
    readonly route: string,
    readonly corrId: string,
    readonly headers: Readonly<Record<string, string | string[] | undefined>>,
    readonly receivedAt = new Date(),
  ) {}

  /**
   * When every wait of this request on JetStream (nonce claim, then publishes) must be over, one
   * after the other: its answer then still leaves within the contract's 2.5 s.
   */
  get storeDeadline(): number {
    return this.receivedAt.getTime() + STORE_BUDGET_MS;
  }

  /** The media type without parameters, lower-cased ('' when absent). */
  get mediaType(): string {
    const value = this.header('content-type') ?? '';
    const semi = value.indexOf(';');
    return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  }

  /**
   * The body parsed as JSON, once. Throws a SyntaxError when it is not JSON, and a JsonLimitError
   * (checked on the bytes, before parsing) when it is deeper or has longer arrays than JSON_LIMITS.
   */
  json(): unknown {
    if (this.parsed === NOT_PARSED) {
      try {
        assertJsonWithinLimits(this.body);
        this.parsed = JSON.parse(this.body.toString('utf8'));
      } catch (err) {
        this.parseError = err as Error;
        this.parsed = undefined;
      }
    }
    if (this.parseError !== undefined) throw this.parseError;
    return this.parsed;
  }

  header(name: string): string | undefined {
    const value = this.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  /** A bounded label for metrics and logs: never an attacker-chosen string. */
  get sourceLabel(): string {
    if (!this.adapter) return 'unknown';
    return this.allowed && this.sourceId ? this.sourceId : this.adapter.route;
  }
}

/** The webhook context of the request a guard, pipe or decorator is looking at. */
export function webhookOf(req: { webhook?: WebhookContext }): WebhookContext {
  if (!req.webhook) throw new Error('no webhook context: WebhookBodyMiddleware is not mounted on this route');
  return req.webhook;
}
