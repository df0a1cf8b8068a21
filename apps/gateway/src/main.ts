import 'reflect-metadata';
import { createGateway } from './bootstrap';
import { loadAtStartup } from '@gateway/config';
import { loadConfig } from './config/load-config';

async function main(): Promise<void> {
  const loaded = loadAtStartup('at-gateway', () => loadConfig(process.env));
  if (!loaded.ok) {
    process.stderr.write(`${loaded.line}\n`);
    process.exit(1);
  }
  const { config } = loaded;
  const app = await createGateway(config);
  // SIGTERM: readiness fails at once, the server stops accepting, in-flight requests finish,
  // NATS drains, exit 0. If that takes longer than the grace period, leave anyway (non-zero).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), config.shutdownGraceMs).unref());
  }
  await app.listen(config.port, config.host);
}

void main();
