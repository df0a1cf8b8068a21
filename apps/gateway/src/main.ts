import 'reflect-metadata';
import { createGateway } from './bootstrap';
import { ConfigError, loadConfig } from './config/load-config';
import type { GatewayConfig } from './config/gateway-config';

function configOrExit(): GatewayConfig {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // One line per mistake (the source policy reports all of its own at once).
    for (const line of err.message.split('\n')) {
      process.stderr.write(`at-gateway: invalid configuration: ${line}\n`);
    }
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
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
