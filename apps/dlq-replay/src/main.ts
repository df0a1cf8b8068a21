import 'reflect-metadata';
import { ConfigError } from '@gateway/config';
import { parseArgs } from 'node:util';
// The normalizers a replay runs are the gateway's own: one list of sources serves both apps.
import { SOURCE_MODULES } from '@gateway/sources-catalog';
import { loadReplayConfig, ReplayConfig } from './config/replay-config';
import { replayDeadLetters } from './replay';

const USAGE = 'usage: dlq-replay [--dry-run]   (configuration: NATS_URL, NATS_STREAM, NATS_DURABLE, ...)';

function configOrExit(): ReplayConfig {
  try {
    const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });
    return loadReplayConfig(process.env, values['dry-run']);
  } catch (err) {
    if (!(err instanceof ConfigError)) {
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`at-dlq-replay: invalid configuration: ${err.message}\n`);
    process.exit(1);
  }
}

/** Exit 0 when the run completed (unrecoverable entries are reported, not failures), 1 when it could not. */
async function main(): Promise<void> {
  const config = configOrExit();
  try {
    await replayDeadLetters(config, SOURCE_MODULES, (service) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => service.stop());
    });
  } catch (err) {
    process.stderr.write(`at-dlq-replay: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

void main();
