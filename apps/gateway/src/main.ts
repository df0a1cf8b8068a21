import 'reflect-metadata';
import { ShutdownState } from '@gateway/health';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGateway } from './bootstrap';
import { loadAtStartup } from '@gateway/config';
import type { GatewayConfig } from './config/gateway-config';
import { loadConfig } from './config/load-config';
import { listenFailure, servingLine, stoppingLine } from './lifecycle-lines';

let stopping = false;

/**
 * SIGTERM (docs/contract.md 6.3): readiness fails at once while requests are still answered (closing
 * their connections) for SHUTDOWN_DELAY_MS, so load balancers take the replica out first; then the
 * server stops accepting, in-flight requests finish, NATS drains, exit 0. Past SHUTDOWN_GRACE_MS,
 * counted from the signal, the process leaves anyway (exit 1). A second SIGINT kills at once.
 * Each step says what it does in one line.
 */
async function shutdown(app: NestExpressApplication, config: GatewayConfig, signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const logger = app.get(Logger);
  setTimeout(() => process.exit(1), config.shutdownGraceMs).unref();
  app.get(ShutdownState).begin();
  logger.log(stoppingLine(signal, config), 'Lifecycle');
  await sleep(config.shutdownDelayMs);
  try {
    await app.close();
  } catch (err) {
    process.stderr.write(`at-gateway: shutdown failed: ${(err as Error).message}\n`);
    process.exit(1);
  }
  logger.log('stopped: requests finished, NATS drained; exit 0', 'Lifecycle');
  process.exit(0);
}

async function main(): Promise<void> {
  const loaded = loadAtStartup('at-gateway', () => loadConfig(process.env));
  if (!loaded.ok) {
    process.stderr.write(`${loaded.line}\n`);
    process.exit(1);
  }
  const { config } = loaded;
  const app = await createGateway(config);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutdown(app, config, signal));
  }
  try {
    await app.listen(config.port, config.host);
  } catch (err) {
    // A known mistake (the port taken, e.g. by a gateway still stopping) is one line, not a stack.
    const line = listenFailure(err, config);
    if (!line) throw err;
    process.stderr.write(`${line}\n`);
    process.exit(1);
  }
  app.get(Logger).log(servingLine(app, config), 'Lifecycle');
}

void main();
