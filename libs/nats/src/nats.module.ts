import { DynamicModule, Module } from '@nestjs/common';
import { EventPublisher, NonceStore, RateLeaseStore } from '@gateway/contracts';
import { JetStreamPublisher } from './jetstream.publisher';
import { KvNonceStore } from './kv-nonce.store';
import { KvRateLeaseStore } from './kv-rate-lease.store';
import { NatsConnectionManager } from './nats-connection.manager';
import { ConfigurableModuleClass } from './nats.module-definition';
import { natsMetricProviders } from './nats.metrics';
import type { NatsModuleOptions } from './nats.options';
import { PublishBuffer } from './publish-buffer';
import { StreamProvisioner } from './stream.provisioner';

/** The NATS connection, the stream, and the ports built on them: EventPublisher, NonceStore and RateLeaseStore. */
@Module({
  providers: [
    ...natsMetricProviders,
    StreamProvisioner,
    NatsConnectionManager,
    PublishBuffer,
    { provide: EventPublisher, useClass: JetStreamPublisher },
    { provide: NonceStore, useClass: KvNonceStore },
    { provide: RateLeaseStore, useClass: KvRateLeaseStore },
  ],
  exports: [NatsConnectionManager, EventPublisher, NonceStore, RateLeaseStore],
})
export class NatsModule extends ConfigurableModuleClass {
  /** Global: the ports are used by guards and services across the application. */
  static override forRoot(options: NatsModuleOptions): DynamicModule {
    return { ...super.forRoot(options), global: true };
  }
}
