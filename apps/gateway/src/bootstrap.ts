import { HTTP_REFUSALS_TOTAL } from '@gateway/observability';
import { SOURCE_MODULES, SourceModule } from '@gateway/sources-catalog';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { Server } from 'node:http';
import { getToken } from '@willsoto/nestjs-prometheus';
import { AppModule } from './app.module';
import type { GatewayConfig } from './config/gateway-config';
import { describePolicy, policiesInForce } from './config/policy-in-force';
import { hardenHttpServer } from './http-server';

/**
 * Builds the gateway application serving `sources`; used by main.ts and the e2e tests (which add
 * an example source the way a team adds its own).
 */
export async function createGateway(
  config: GatewayConfig,
  sources: readonly SourceModule[] = SOURCE_MODULES,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, sources), {
    // The webhook route reads raw bytes itself; no global parser may consume or inflate them.
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // An ETag is a hash of every answer body, for caches that never see a webhook reply.
  app.set('etag', false);
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
  const server: Server = app.getHttpServer();
  hardenHttpServer(server, config, app.get(Logger), app.get(getToken(HTTP_REFUSALS_TOTAL)));
  app.get(Logger).log(`publishing event schemas ${config.eventSchemaVersion}`, 'Events');
  // Once per source, what the rate-limit variables and the per-source policy add up to.
  for (const [source, policy] of Object.entries(policiesInForce(config.security.policy))) {
    app
      .get(Logger)
      .log({ source, policy }, `policy in force for ${source}: ${describePolicy(policy)}`, 'Policy');
  }
  if (config.usesDevelopmentSecret) {
    app
      .get(Logger)
      .warn('API_KEY_HMAC_SECRET is not set: using the development secret (never in production)');
  }
  return app;
}
