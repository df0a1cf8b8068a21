import type { ExecutionContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { type Signal, type SourceAdapter } from '@gateway/contracts';
import { WebhookContext } from '@gateway/webhook';
import { EventEmitter } from 'node:events';

/**
 * Enough of an Express response for guards and the problem filter, recording what they set; an
 * emitter, so a spec can `emit('close')` as the answer leaves.
 */
export class FakeResponse extends EventEmitter {
  readonly headers: Record<string, string> = {};
  statusCode = 200;
  headersSent = false;
  contentType?: string;
  body?: string;
  /** The request and its connection, for what waits for the connection to close. */
  readonly req = { socket: Object.assign(new EventEmitter(), { destroyed: false }) };

  header(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }

  setHeader(name: string, value: unknown): this {
    return this.header(name, value);
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  type(contentType: string): this {
    this.contentType = contentType;
    return this;
  }

  send(body: string): this {
    this.body = body;
    this.headersSent = true;
    return this;
  }
}

export interface FakeRequest {
  headers: Record<string, string>;
  /** Whether the whole request, body included, has arrived (Node's `IncomingMessage.complete`). */
  complete: boolean;
  ip?: string;
  id?: string;
  webhook: WebhookContext;
}

export interface WebhookRequestOptions {
  route?: string;
  body?: string;
  headers?: Record<string, string>;
  /** The source served at the route, as the route check would have found it. */
  servedBy?: SourceAdapter;
  /** The client address Express reports (`req.ip`). */
  ip?: string;
  /** Past the route check: `servedBy` established as the request's `Routed` stage. */
  routed?: boolean;
  /** When the request arrived (its store deadline follows from it); now by default. */
  receivedAt?: Date;
}

/** A class and handler for the execution context, as Nest gives every guard. */
class SpecController {
  receive(): void {}
}

/**
 * A webhook request as the guards, pipe and filter see it once the route check opened it: its
 * WebhookContext (its body in), request, response and the Nest execution context around them.
 */
export function webhookRequest(options: WebhookRequestOptions = {}): {
  webhook: WebhookContext;
  req: FakeRequest;
  res: FakeResponse;
  context: ExecutionContext;
} {
  const headers = { 'content-type': 'application/json', ...options.headers };
  const webhook = new WebhookContext(
    options.route ?? options.servedBy?.route ?? 'test',
    'corr-spec',
    headers,
    options.receivedAt ?? new Date(),
    options.servedBy,
  );
  webhook.body = Buffer.from(options.body ?? '{}');
  if (options.routed && options.servedBy) webhook.advance({ webhook, adapter: options.servedBy });
  const req: FakeRequest = { headers, complete: true, ip: options.ip, id: 'corr-spec', webhook };
  const res = new FakeResponse();
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const context = new ExecutionContextHost([req, res], SpecController, SpecController.prototype.receive);
  return { webhook, req, res, context };
}

/** A source adapter for specs: JSON at `/webhooks/<route>`, its source id from the route unless given. */
export function specSource(over: Partial<SourceAdapter> = {}): SourceAdapter {
  return {
    route: 'bot',
    contentTypes: ['application/json'],
    verification: ['hmac'],
    payloadSchema: { type: 'object' },
    sourceId: () => over.route ?? 'bot',
    normalize: () => ({ ok: false, errors: [{ field: 'body', message: 'not normalized in specs' }] }),
    ...over,
  };
}

/** A canonical signal for specs, every optional field empty unless given. */
export function specSignal(over: Partial<Signal> = {}): Signal {
  return {
    instrument: 'BTCUSDT',
    exchange: null,
    action: 'buy',
    price: null,
    quantity: null,
    timeframe: null,
    strategy: null,
    signal_time: null,
    extra: {},
    ...over,
  };
}
