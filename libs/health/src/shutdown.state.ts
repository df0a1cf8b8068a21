import { Injectable, OnModuleDestroy } from '@nestjs/common';

/**
 * Flips when shutdown begins. Nest runs `onModuleDestroy` before it closes the HTTP server, so
 * readiness fails from the first moment while in-flight requests still finish.
 */
@Injectable()
export class ShutdownState implements OnModuleDestroy {
  private stopping = false;

  get isShuttingDown(): boolean {
    return this.stopping;
  }

  onModuleDestroy(): void {
    this.stopping = true;
  }
}
