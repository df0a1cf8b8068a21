import { Inject, Injectable } from '@nestjs/common';
import { problem } from '@gateway/contracts';
import { correlationIdOf, traceparentOf } from '@gateway/observability';
import { SourceRegistry } from '@gateway/sources-core';
import { type Routed, WebhookContext, type WebhookHttpRequest, WebhookStep } from '@gateway/webhook';
import type { Response } from 'express';
import { INGRESS_OPTIONS } from './ingress.module-definition';
import type { IngressModuleOptions } from './ingress.options';

const ROUTE = /^\/webhooks\/([^/?]*)/;

/**
 * The first step: opens the request's WebhookContext and decides what the route and the headers
 * that frame the body decide, before anything else is looked at: a `Content-Encoding` other than
 * identity (415: a small compressed body is never inflated into a large one), a declared length
 * over MAX_BODY_BYTES (413, the same answer whoever sends it), a route some source serves (404)
 * in a media type it takes (415).
 */
@Injectable()
export class SourceRouteGuard extends WebhookStep<undefined, Routed> {
  constructor(
    @Inject(INGRESS_OPTIONS) private readonly options: IngressModuleOptions,
    private readonly sources: SourceRegistry,
  ) {
    super();
  }

  protected pass(_: undefined, req: WebhookHttpRequest, res: Response): Routed {
    // Not decoded: source routes are plain ids, and a malformed %-escape must stay a 404, not a 500.
    const route = ROUTE.exec(req.originalUrl)?.[1] ?? '';
    const adapter = this.sources.find(route);
    const webhook = new WebhookContext(
      route,
      correlationIdOf(req, res),
      req.headers,
      new Date(),
      adapter,
      traceparentOf(req),
    );
    req.webhook = webhook;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      throw problem(
        'unsupported_content_encoding',
        'a Content-Encoding is not accepted: send the body uncompressed',
      );
    }
    const length = req.headers['content-length'];
    const { maxBodyBytes } = this.options;
    if (length !== undefined && Number(length) > maxBodyBytes) {
      throw problem('payload_too_large', `the body is larger than ${maxBodyBytes} bytes`);
    }
    if (!adapter) throw problem('not_found', `no source is served at /webhooks/${route}`);
    if (!adapter.contentTypes.includes(webhook.mediaType)) {
      throw problem(
        'unsupported_media_type',
        `/webhooks/${adapter.route} takes ${adapter.contentTypes.join(' or ')}`,
      );
    }
    return { webhook, adapter };
  }
}
