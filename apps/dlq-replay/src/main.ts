import 'reflect-metadata';
import { loadAtStartup } from '@gateway/config';
import { parseArgs } from 'node:util';
// The normalizers a replay runs are the gateway's own: one list of sources serves both apps.
import { SOURCE_MODULES } from '@gateway/sources-catalog';
import { loadReplayConfig } from './config/replay-config';
import { replayDeadLetters } from './replay';

const USAGE = 'usage: dlq-replay [--dry-run]   (configuration: NATS_URL, NATS_STREAM, NATS_DURABLE, ...)';

/** `--dry-run`, or undefined (after printing the usage) for arguments it does not know. */
function dryRunFlag(): boolean | undefined {
  try {
    const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });
    return values['dry-run'];
  } catch {
    process.stderr.write(`${USAGE}\n`);
    return undefined;
  }
}

/** Exit 0 when the run completed (unrecoverable entries are reported, not failures), 1 when it could not. */
async function main(): Promise<void> {
  const dryRun = dryRunFlag();
  if (dryRun === undefined) process.exit(2);
  const loaded = loadAtStartup('at-dlq-replay', () => loadReplayConfig(process.env, dryRun));
  if (!loaded.ok) {
    process.stderr.write(`${loaded.line}\n`);
    process.exit(1);
  }
  const { config } = loaded;
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
