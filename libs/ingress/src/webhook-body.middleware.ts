import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { onExchangeEnd, problem, WebhookContext } from '@gateway/contracts';
import { BODY_BYTES_RESERVED, correlationIdOf, traceparentOf } from '@gateway/observability';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { WebhookAuthGuard } from '@gateway/security';
import { routeOf, SourceRegistry } from '@gateway/sources-core';
import type { NextFunction, Request, Response } from 'express';
import getRawBody from 'raw-body';
import { BodyMemoryBudget } from './body-memory.budget';
import { idempotencyKeyHeader } from './idempotency-key';
import { INGRESS_OPTIONS } from './ingress.module-definition';
import type { IngressModuleOptions } from './ingress.options';

const ROUTE = /^\/webhooks\/([^/?]*)/;
// Seconds a client should wait when the body memory budget is spent: uploads finish within
// REQUEST_TIMEOUT_MS, most far sooner.
const RETRY_AFTER_BUSY = 1;

/**
 * Reads the body as the exact bytes received (signatures are over bytes, and no parser may
 * normalise them first) and opens the request's WebhookContext. The size limit is enforced while
 * streaming, chunked bodies included, and at once for a declared Content-Length over it; a
 * `Content-Encoding` other than identity is refused (415) rather than inflated, so a small
 * compressed body cannot expand into a large one. A refused body is never read to its end: the
 * answer closes the connection instead (body-parser would first drain whatever the client sends).
 *
 * Before a byte of the body is read, what the headers alone decide is decided, so an
 * unauthenticated upload costs no memory: the route and media type (404/415), the signature
 * headers and the timestamp's window, or a token route's client address (401/403), a malformed
 * `Idempotency-Key` (400, before any nonce is claimed); then the body's bytes must fit the body memory budget shared by all
 * requests in flight (503 + Retry-After at once when they do not). The request's store deadline
 * counts from the body's last byte (WebhookContext.received): a slow sender is not the store's.
 */
@Injectable()
export class WebhookBodyMiddleware implements NestMiddleware {
  private readonly budget: BodyMemoryBudget;

  constructor(
    @Inject(INGRESS_OPTIONS) private readonly options: IngressModuleOptions,
    private readonly sources: SourceRegistry,
    private readonly auth: WebhookAuthGuard,
    @InjectMetric(BODY_BYTES_RESERVED) reserved: Gauge,
  ) {
    this.budget = new BodyMemoryBudget(options.bodyMemoryBudgetBytes, (bytes) => reserved.set(bytes));
  }

  use(req: Request & { webhook?: WebhookContext }, res: Response, next: NextFunction): void {
    // Not decoded: source routes are plain ids, and a malformed %-escape must stay a 404, not a 500.
    const route = ROUTE.exec(req.originalUrl)?.[1] ?? '';
    const webhook = new WebhookContext(
      route,
      correlationIdOf(req, res),
      req.headers,
      new Date(),
      this.sources.find(route),
    );
    webhook.traceparent = traceparentOf(req);
    req.webhook = webhook;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      const detail = 'a Content-Encoding is not accepted: send the body uncompressed';
      return refuse(res, next, problem('unsupported_content_encoding', detail));
    }
    const length = req.headers['content-length'];
    const { maxBodyBytes } = this.options;
    if (length !== undefined && Number(length) > maxBodyBytes) {
      // Known from the headers, and the same answer whoever sends it: 413 before anything else.
      const detail = `the body is larger than ${maxBodyBytes} bytes`;
      return refuse(res, next, problem('payload_too_large', detail));
    }
    try {
      // Each check here runs once per request: the guards start from the stage recorded here.
      const { adapter } = webhook.establish('routed', routeOf(webhook));
      // req.ip is the socket's address, or X-Forwarded-For as far as `trust proxy` trusts its hops.
      this.auth.precheck(adapter, webhook, req.ip);
      idempotencyKeyHeader(webhook);
    } catch (err) {
      return refuse(res, next, err);
    }
    // A chunked body (no length declared) may take up to the limit.
    const declared = length === undefined ? maxBodyBytes : Number(length) || 0;
    if (!this.budget.tryReserve(declared)) {
      const detail = 'too many request bodies are in flight; retry shortly';
      return refuse(res, next, problem('overloaded', detail, { retryAfter: RETRY_AFTER_BUSY }));
    }
    onExchangeEnd(res, () => this.budget.release(declared));
    getRawBody(req, { length, limit: maxBodyBytes }, (err, body) => {
      if (err) return refuse(res, next, err);
      webhook.received(body);
      next();
    });
  }
}

/** Answers with `err`, closing the connection rather than reading the rest of the body. */
function refuse(res: Response, next: NextFunction, err: unknown): void {
  res.setHeader('Connection', 'close');
  next(err);
}
