import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { WebhookContext } from '@gateway/contracts';
import { correlationIdOf } from '@gateway/observability';
import { SourceRegistry } from '@gateway/sources-core';
import { raw } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { INGRESS_OPTIONS } from './ingress.module-definition';
import type { IngressModuleOptions } from './ingress.options';

const ROUTE = /^\/webhooks\/([^/?]*)/;

/**
 * Reads the body as the exact bytes received (signatures are over bytes, and no parser may
 * normalise them first) and opens the request's WebhookContext. The size limit is enforced while
 * streaming, chunked bodies included; a `Content-Encoding` other than identity is refused (415)
 * rather than inflated, so a small compressed body cannot expand into a large one.
 */
@Injectable()
export class WebhookBodyMiddleware implements NestMiddleware {
  private readonly readBody: ReturnType<typeof raw>;

  constructor(
    @Inject(INGRESS_OPTIONS) options: IngressModuleOptions,
    private readonly sources: SourceRegistry,
  ) {
    this.readBody = raw({ type: () => true, limit: options.maxBodyBytes, inflate: false });
  }

  use(req: Request & { webhook?: WebhookContext }, res: Response, next: NextFunction): void {
    // Not decoded: source routes are plain ids, and a malformed %-escape must stay a 404, not a 500.
    const route = ROUTE.exec(req.originalUrl)?.[1] ?? '';
    const webhook = new WebhookContext(route, correlationIdOf(req, res), req.headers);
    webhook.adapter = this.sources.find(route);
    req.webhook = webhook;
    this.readBody(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (Buffer.isBuffer(req.body)) webhook.body = req.body;
      next();
    });
  }
}
