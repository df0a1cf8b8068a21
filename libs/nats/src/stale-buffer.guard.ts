import { Logger } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { NatsConnectionState } from './nats-connection.state';

/**
 * nats.js keeps what is written while a reconnect attempt hangs (a server or network that
 * accepts the connection and then says nothing) and flushes it once through, however late.
 * Every such message was answered 503 long ago; a trading signal stored minutes later would
 * surprise everyone. So a connection away for longer than the bound is replaced, buffer and
 * all, by a fresh one.
 */
export class StaleBufferGuard {
  private readonly logger = new Logger('Nats');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly maxAgeMs: number,
    private readonly connection: NatsConnectionState,
    private readonly replace: (nc: NatsConnection) => Promise<void>,
  ) {}

  /** `nc` lost its server: the bound starts now (not again at each failed attempt). */
  disconnected(nc: NatsConnection): void {
    this.timer ??= setTimeout(() => void this.drop(nc), this.maxAgeMs);
  }

  reconnected(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private async drop(nc: NatsConnection): Promise<void> {
    this.timer = undefined;
    if (nc !== this.connection.nc || this.connection.shuttingDown) return;
    this.logger.warn(`NATS away for ${this.maxAgeMs} ms: dropping unsent messages and connecting afresh`);
    await this.replace(nc);
  }
}
