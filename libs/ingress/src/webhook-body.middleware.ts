import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { problem, WebhookContext } from '@gateway/contracts';
import { correlationIdOf } from '@gateway/observability';
import { SourceRegistry } from '@gateway/sources-core';
import type { NextFunction, Request, Response } from 'express';
import getRawBody from 'raw-body';
import { INGRESS_OPTIONS } from './ingress.module-definition';
import type { IngressModuleOptions } from './ingress.options';

const ROUTE = /^\/webhooks\/([^/?]*)/;

/**
 * Reads the body as the exact bytes received (signatures are over bytes, and no parser may
 * normalise them first) and opens the request's WebhookContext. The size limit is enforced while
 * streaming, chunked bodies included, and at once for a declared Content-Length over it; a
 * `Content-Encoding` other than identity is refused (415) rather than inflated, so a small
 * compressed body cannot expand into a large one. A refused body is never read to its end: the
 * answer closes the connection instead (body-parser would first drain whatever the client sends).
 */
@Injectable()
export class WebhookBodyMiddleware implements NestMiddleware {
  constructor(
    @Inject(INGRESS_OPTIONS) private readonly options: IngressModuleOptions,
    private readonly sources: SourceRegistry,
  ) {}

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
    req.webhook = webhook;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      const detail = 'a Content-Encoding is not accepted: send the body uncompressed';
      return refuse(res, next, problem('unsupported_content_encoding', detail));
    }
    const length = req.headers['content-length'];
    getRawBody(req, { length, limit: this.options.maxBodyBytes }, (err, body) => {
      if (err) return refuse(res, next, err);
      webhook.body = body;
      next();
    });
  }
}

/** Answers with `err`, closing the connection rather than reading the rest of the body. */
function refuse(res: Response, next: NextFunction, err: unknown): void {
  res.setHeader('Connection', 'close');
  next(err);
}
