import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EventPublisher, NonceStore } from '@gateway/contracts';
import { register } from 'prom-client';
import { NatsConnectionManager } from './nats-connection.manager';
import { NATS_OPTIONS } from './nats.module-definition';
import { NatsModule } from './nats.module';
import type { NatsModuleOptions } from './nats.options';
import { StreamProvisioner } from './stream.provisioner';

const options: NatsModuleOptions = {
  servers: ['nats://127.0.0.1:1'],
  name: 'spec',
  auth: {},
  stream: 'spec-stream',
  provision: false,
  replicas: 1,
  duplicateWindowSec: 60,
  maxAgeSec: 3600,
  maxBytes: 1024,
  publishTimeoutMs: 500,
  bufferMaxMessages: 10,
  bufferMaxAgeMs: 1000,
  nonceTtlSec: 60,
  schemaRegistry: { bucket: 'spec-schemas', schemas: [] },
};

/** A provider in a module that does not import NatsModule: it sees the ports only if they are global. */
@Injectable()
class Consumer {
  constructor(
    readonly publisher: EventPublisher,
    readonly nonces: NonceStore,
  ) {}
}
@Module({ providers: [Consumer] })
class FeatureModule {}

@Injectable()
class OptionsSource {
  get(): NatsModuleOptions {
    return { ...options, stream: 'from-a-factory' };
  }
}
@Module({ providers: [OptionsSource], exports: [OptionsSource] })
class OptionsModule {}

afterEach(() => register.clear());

describe('NatsModule', () => {
  it('forRoot: the options reach the providers, and the ports are global', async () => {
    const app = await Test.createTestingModule({
      imports: [NatsModule.forRoot(options), FeatureModule],
    }).compile();
    expect(app.get(NATS_OPTIONS)).toEqual(options);
    expect(app.get(StreamProvisioner).nonceBucket).toBe('spec-stream-nonces');
    expect(app.get(Consumer).publisher).toBeInstanceOf(EventPublisher);
    expect(app.get(Consumer).nonces).toBeInstanceOf(NonceStore);
  });

  it('forRootAsync: options from an injected factory, and global the same way', async () => {
    const app = await Test.createTestingModule({
      imports: [
        NatsModule.forRootAsync({
          imports: [OptionsModule],
          inject: [OptionsSource],
          useFactory: (source: OptionsSource) => source.get(),
        }),
        FeatureModule,
      ],
    }).compile();
    expect(app.get(NATS_OPTIONS)).toMatchObject({ stream: 'from-a-factory' });
    expect(app.get(StreamProvisioner).nonceBucket).toBe('from-a-factory-nonces');
    expect(app.get(Consumer).publisher).toBeInstanceOf(EventPublisher);
    expect(app.get(NatsConnectionManager).ready).toBe(false);
  });

  it('isGlobal: false keeps the ports to the importing module', async () => {
    await expect(
      Test.createTestingModule({
        imports: [NatsModule.forRoot({ ...options, isGlobal: false }), FeatureModule],
      }).compile(),
    ).rejects.toThrow(/EventPublisher/);
  });
});
