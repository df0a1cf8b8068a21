import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { problem, type SourceAdapter, type WebhookContext, webhookOf } from '@gateway/contracts';

/**
 * The first gate: a route some source serves (404), in a media type that source takes (415).
 * Establishes `Routed`: the adapter every later stage works with.
 */
@Injectable()
export class SourceRouteGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const webhook = webhookOf(context.switchToHttp().getRequest());
    webhook.establish('routed', { adapter: SourceRouteGuard.check(webhook) });
    return true;
  }

  /** The check itself, from the route and headers alone: the body intake runs it before reading. */
  static check(webhook: Pick<WebhookContext, 'servedBy' | 'route' | 'mediaType'>): SourceAdapter {
    const adapter = webhook.servedBy;
    if (!adapter) throw problem('not_found', `no source is served at /webhooks/${webhook.route}`);
    if (!adapter.contentTypes.includes(webhook.mediaType)) {
      throw problem(
        'unsupported_media_type',
        `/webhooks/${adapter.route} takes ${adapter.contentTypes.join(' or ')}`,
      );
    }
    return adapter;
  }
}
