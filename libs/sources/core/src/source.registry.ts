import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { SourceAdapter } from '@gateway/contracts';
import { WebhookSource } from './webhook-source.decorator';

/** Every source adapter in the application, by route; filled once from `@WebhookSource()` providers. */
@Injectable()
export class SourceRegistry implements OnModuleInit {
  private readonly byRoute = new Map<string, SourceAdapter>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: WebhookSource.KEY })) {
      const adapter = wrapper.instance as SourceAdapter;
      const taken = this.byRoute.get(adapter.route);
      if (taken) {
        throw new Error(
          `two sources claim /webhooks/${adapter.route}: ${taken.constructor.name} and ${wrapper.name}`,
        );
      }
      this.byRoute.set(adapter.route, adapter);
    }
  }

  find(route: string): SourceAdapter | undefined {
    return this.byRoute.get(route);
  }

  get routes(): string[] {
    return [...this.byRoute.keys()];
  }
}
