import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { problem, webhookOf } from '@gateway/contracts';

/**
 * The first gate: a route some source serves (404), in a media type that source takes (415).
 * Establishes `Routed`: the adapter every later stage works with.
 */
@Injectable()
export class SourceRouteGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const webhook = webhookOf(context.switchToHttp().getRequest());
    const adapter = webhook.servedBy;
    if (!adapter) throw problem('not_found', `no source is served at /webhooks/${webhook.route}`);
    if (!adapter.contentTypes.includes(webhook.mediaType)) {
      throw problem(
        'unsupported_media_type',
        `/webhooks/${adapter.route} takes ${adapter.contentTypes.join(' or ')}`,
      );
    }
    webhook.establish('routed', { adapter });
    return true;
  }
}
