import type { INestApplication, Type } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import { createGateway } from '../../apps/gateway/src/bootstrap';
import { loadConfig } from '../../apps/gateway/src/config/load-config';
import { SOURCE_MODULES, SourceModule } from '@gateway/sources-catalog';
import { NatsConnectionManager } from '@gateway/nats';

export const SECRET = 'e2e-secret-0f9c2b';

/** The real gateway application, in this process, listening on a free port. */
export class TestGateway {
  private app?: INestApplication;
  url = '';
  /** Where /metrics and the probes are served when MANAGEMENT_PORT is set ('' otherwise). */
  managementUrl = '';

  /** `sources`: what libs/sources/catalog/src/source-catalog.ts would list (the tests add an example source). */
  constructor(
    private readonly env: Record<string, string>,
    private readonly sources: readonly SourceModule[] = SOURCE_MODULES,
  ) {}

  /** `waitForReady: false`: returns once it listens, ready or not (its probes then say why). */
  async start({ waitForReady = true } = {}): Promise<this> {
    const config = loadConfig({
      API_KEY_HMAC_SECRET: SECRET,
      ALLOWED_SOURCES: 'tradingview,acme-bot',
      LOG_LEVEL: 'silent',
      ENV: 'test',
      ...this.env,
    });
    this.app = await createGateway(config, this.sources);
    await this.app.listen(0, '127.0.0.1');
    const server: Server = this.app.getHttpServer();
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    if (config.managementPort) this.managementUrl = `http://127.0.0.1:${config.managementPort}`;
    if (!waitForReady) return this;
    try {
      await this.until(() => this.app!.get(NatsConnectionManager).ready, 'NATS ready');
    } catch (err) {
      // Not left running: the next gateway in this file must be able to register its metrics.
      const { failing } = this.app.get(NatsConnectionManager).status;
      await this.stop();
      throw new Error(
        `${(err as Error).message} (${failing ? `${failing.cause}: ${failing.message}` : 'no failure'})`,
      );
    }
    return this;
  }

  async until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** One of the running application's providers, for a test that has to act from inside it. */
  get<T>(type: Type<T>): T {
    if (!this.app) throw new Error('the gateway is not started');
    return this.app.get(type);
  }

  async stop(): Promise<void> {
    await this.app?.close();
    // Metrics live in prom-client's global registry; the next gateway in this file registers them anew.
    register.clear();
  }
}
