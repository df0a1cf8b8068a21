import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { problem, webhookOf } from '@gateway/contracts';

/** The first gate: a route some source serves (404), in a media type that source takes (415). */
@Injectable()
export class SourceRouteGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const webhook = webhookOf(context.switchToHttp().getRequest());
    const adapter = webhook.adapter;
    if (!adapter)
      throw problem(404, 'not_found', 'Not Found', `no source is served at /webhooks/${webhook.route}`);
    if (!adapter.contentTypes.includes(webhook.mediaType)) {
      throw problem(
        415,
        'unsupported_media_type',
        'Unsupported Media Type',
        `/webhooks/${adapter.route} takes ${adapter.contentTypes.join(' or ')}`,
      );
    }
    return true;
  }
}
