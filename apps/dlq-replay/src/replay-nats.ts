import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { natsConnectionOptions } from '@gateway/nats';
import { DeadLetterStream } from '@gateway/dead-letters';
import { connect, JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import { REPLAY_CONFIG, ReplayConfig } from './config/replay-config';

/**
 * The replay's NATS connection. Unlike the gateway's, it provisions nothing (the stream and its
 * duplicate window are the gateway's) and does not wait for NATS: a job that cannot reach it
 * fails at once and is run again.
 */
@Injectable()
export class ReplayNats extends DeadLetterStream implements OnModuleInit, OnApplicationShutdown {
  private nc?: NatsConnection;
  js!: JetStreamClient;
  jsm!: JetStreamManager;

  constructor(@Inject(REPLAY_CONFIG) private readonly config: ReplayConfig) {
    super();
  }

  get stream(): string {
    return this.config.stream;
  }

  async onModuleInit(): Promise<void> {
    const { servers, name, auth } = this.config;
    this.nc = await connect({ ...natsConnectionOptions(servers, name, auth), timeout: 5000 });
    this.js = this.nc.jetstream({ timeout: this.config.publishTimeoutMs });
    this.jsm = await this.nc.jetstreamManager({ timeout: this.config.publishTimeoutMs });
  }

  /** Sends what is buffered (acknowledgements, naks) before the run ends. */
  async flush(): Promise<void> {
    await this.nc?.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.nc && !this.nc.isClosed()) await this.nc.drain();
  }
}
