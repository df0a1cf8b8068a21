import { Module } from '@nestjs/common';
import { EventPublisher, NonceStore, RateLeaseStore } from '@gateway/contracts';
import { JetStreamPublisher } from './jetstream.publisher';
import { KvNonceStore } from './kv-nonce.store';
import { KvRateLeaseStore } from './kv-rate-lease.store';
import { NatsConnectionManager } from './nats-connection.manager';
import { NatsFailureTracker } from './nats-failure.tracker';
import { ConfigurableModuleClass } from './nats.module-definition';
import { natsMetricProviders } from './nats.metrics';
import { PublishBuffer } from './publish-buffer';
import { SchemaRegistry } from './schema-registry';
import { StreamProvisioner } from './stream.provisioner';
import { StreamUsage } from './stream-usage';

/** The NATS connection, the stream, and the ports built on them: EventPublisher, NonceStore and RateLeaseStore. */
@Module({
  providers: [
    ...natsMetricProviders,
    NatsFailureTracker,
    SchemaRegistry,
    StreamUsage,
    StreamProvisioner,
    NatsConnectionManager,
    PublishBuffer,
    { provide: EventPublisher, useClass: JetStreamPublisher },
    { provide: NonceStore, useClass: KvNonceStore },
    { provide: RateLeaseStore, useClass: KvRateLeaseStore },
  ],
  exports: [NatsConnectionManager, EventPublisher, NonceStore, RateLeaseStore],
})
export class NatsModule extends ConfigurableModuleClass {}
