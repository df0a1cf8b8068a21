import { DiscoveryService } from '@nestjs/core';

/** Marks a provider as a SourceAdapter; the SourceRegistry collects every one at start-up. */
export const WebhookSource = DiscoveryService.createDecorator<void>();
