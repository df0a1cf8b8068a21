import { Injectable, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';

const IDLE_SWEEP_MS = 50;

/**
 * Shutdown as a load balancer needs it. Nest runs `onModuleDestroy` before it closes the HTTP
 * server, so readiness fails from the first moment while in-flight requests still finish.
 * Keep-alive connections are closed as soon as they fall idle: `server.close()` only closes the
 * ones idle at that instant, and a connection whose last request ends later would otherwise keep
 * the process alive until its keep-alive timeout.
 */
@Injectable()
export class ShutdownState implements OnModuleDestroy, OnApplicationShutdown {
  private stopping = false;
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  get isShuttingDown(): boolean {
    return this.stopping;
  }

  onModuleDestroy(): void {
    this.stopping = true;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server) this.sweeper = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }
}
