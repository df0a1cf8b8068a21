import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { SourceModule } from '@gateway/sources-catalog';
import type { ReplayConfig } from './config/replay-config';
import { DlqReplayModule } from './dlq-replay.module';
import { DlqReplayService } from './dlq-replay.service';
import type { ReplaySummary } from './replay.report';

/**
 * One replay run with `sources` as its normalizers, from connecting to NATS to closing the
 * connection; used by main.ts and the e2e tests (which swap in a fixed normalizer).
 */
export async function replayDeadLetters(
  config: ReplayConfig,
  sources: readonly SourceModule[],
  onStart: (service: DlqReplayService) => void = () => undefined,
): Promise<ReplaySummary> {
  const app = await NestFactory.createApplicationContext(DlqReplayModule.forRoot(config, sources), {
    bufferLogs: true,
    // Rethrow start-up errors (NATS unreachable, a broken source) instead of aborting the process.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  try {
    const service = app.get(DlqReplayService);
    onStart(service);
    return await service.run();
  } finally {
    await app.close();
  }
}
