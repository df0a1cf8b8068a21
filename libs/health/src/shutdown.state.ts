import { Injectable, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const IDLE_SWEEP_MS = 50;

/** Node ends the connection once an answer with this header is sent: the client knows, no race. */
const closeAfterAnswer = (_req: IncomingMessage, res: ServerResponse): void =>
  void res.setHeader('Connection', 'close');

/**
 * Shutdown as a load balancer needs it (docs/contract.md 6.3), in two steps.
 *
 * `begin()` (main.ts, at SIGTERM): readiness fails at once, yet every request is still answered,
 * each answer closing its keep-alive connection, so a balancer that polls /readyz has time to take
 * the replica out before anything is refused. Idle connections are left alone in this phase:
 * closing one the balancer is about to reuse would fail that request.
 *
 * `onModuleDestroy` (Nest, before it closes the HTTP server, after SHUTDOWN_DELAY_MS): keep-alive
 * connections are closed as soon as they fall idle. `server.close()` only closes the ones idle at
 * that instant, and a connection whose last request ends later would otherwise keep the process
 * alive until its keep-alive timeout.
 */
@Injectable()
export class ShutdownState implements OnModuleDestroy, OnApplicationShutdown {
  private stopping = false;
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  get isShuttingDown(): boolean {
    return this.stopping;
  }

  begin(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.server()?.prependListener('request', closeAfterAnswer);
  }

  onModuleDestroy(): void {
    this.begin();
    const server = this.server();
    if (server) this.sweeper = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}
