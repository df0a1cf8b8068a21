import { Controller, Get, Res } from '@nestjs/common';
import { problem } from '@gateway/contracts';
import { NatsConnectionManager } from '@gateway/nats';
import type { Response } from 'express';
import { ShutdownState } from './shutdown.state';

@Controller()
export class HealthController {
  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly shutdown: ShutdownState,
  ) {}

  /** Liveness: 200 while the process serves, even with NATS down, so a NATS blip restarts no pod. */
  @Get('healthz')
  healthz(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    const { state, streamReady, server, failing, last_failure } = this.nats.status;
    return {
      status: 'ok',
      nats: state === 'connected' ? 'connected' : 'disconnected',
      nats_state: state,
      stream_ready: streamReady,
      // Which server this replica is on, and why it cannot write (cause + the error's words).
      nats_server: server,
      nats_failing: failing,
      nats_last_failure: last_failure,
      shutting_down: this.shutdown.isShuttingDown,
    };
  }

  /** Readiness: send traffic here only while NATS is connected, the stream ready, and not stopping. */
  @Get('readyz')
  readyz(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    if (this.shutdown.isShuttingDown) throw problem('not_ready', 'shutting down');
    if (!this.nats.ready) {
      const { state, streamReady, failing } = this.nats.status;
      const why = failing ? ` (${failing.cause})` : '';
      throw problem('not_ready', `NATS ${state}, stream ready: ${streamReady}${why}`);
    }
    return { status: 'ready' };
  }
}
