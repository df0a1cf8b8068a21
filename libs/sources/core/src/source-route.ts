import { problem, type Routed, type WebhookContext } from '@gateway/contracts';

/**
 * The first check of a webhook, from its route and headers alone: a route some source serves
 * (404), in a media type that source takes (415). The body intake runs it once, before reading
 * the body, and records its result as the `Routed` stage every later stage starts from.
 */
export function routeOf(webhook: Pick<WebhookContext, 'servedBy' | 'route' | 'mediaType'>): Routed {
  const adapter = webhook.servedBy;
  if (!adapter) throw problem('not_found', `no source is served at /webhooks/${webhook.route}`);
  if (!adapter.contentTypes.includes(webhook.mediaType)) {
    throw problem(
      'unsupported_media_type',
      `/webhooks/${adapter.route} takes ${adapter.contentTypes.join(' or ')}`,
    );
  }
  return { adapter };
}
