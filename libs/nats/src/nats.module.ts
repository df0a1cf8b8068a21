import { Module } from '@nestjs/common';
import { EventPublisher, NonceStore } from '@gateway/contracts';
import { JetStreamPublisher } from './jetstream.publisher';
import { KvNonceStore } from './kv-nonce.store';
import { NatsConnectionManager } from './nats-connection.manager';
import { NatsFailureTracker } from './nats-failure.tracker';
import { ConfigurableModuleClass } from './nats.module-definition';
import { natsMetricProviders } from './nats.metrics';
import { PublishBuffer } from './publish-buffer';
import { StreamProvisioner } from './stream.provisioner';

/** The NATS connection, the stream, and the two ports built on them: EventPublisher and NonceStore. */
@Module({
  providers: [
    ...natsMetricProviders,
    NatsFailureTracker,
    StreamProvisioner,
    NatsConnectionManager,
    PublishBuffer,
    { provide: EventPublisher, useClass: JetStreamPublisher },
    { provide: NonceStore, useClass: KvNonceStore },
  ],
  exports: [NatsConnectionManager, EventPublisher, NonceStore],
})
export class NatsModule extends ConfigurableModuleClass {}
