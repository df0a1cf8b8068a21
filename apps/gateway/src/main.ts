import 'reflect-metadata';
import { ShutdownState } from '@gateway/health';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGateway } from './bootstrap';
import { loadAtStartup } from '@gateway/config';
import type { GatewayConfig } from './config/gateway-config';
import { loadConfig } from './config/load-config';

let stopping = false;

/**
 * SIGTERM (CONTRACT.md 6.3): readiness fails at once while requests are still answered (closing
 * their connections) for SHUTDOWN_DELAY_MS, so load balancers take the replica out first; then the
 * server stops accepting, in-flight requests finish, NATS drains, exit 0. Past SHUTDOWN_GRACE_MS,
 * counted from the signal, the process leaves anyway (exit 1). A second SIGINT kills at once.
 */
async function shutdown(app: NestExpressApplication, config: GatewayConfig): Promise<void> {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), config.shutdownGraceMs).unref();
  app.get(ShutdownState).begin();
  await sleep(config.shutdownDelayMs);
  try {
    await app.close();
  } catch (err) {
    process.stderr.write(`at-gateway: shutdown failed: ${(err as Error).message}\n`);
    process.exit(1);
  }
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
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(app, config));
  await app.listen(config.port, config.host);
}

void main();
