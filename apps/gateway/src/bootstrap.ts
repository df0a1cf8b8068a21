import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { Server } from 'node:http';
import { AppModule } from './app.module';
import type { GatewayConfig } from './config/gateway-config';
import { hardenHttpServer } from './http-server';

/** Builds the gateway application and starts listening; used by main.ts and the e2e tests. */
export async function createGateway(config: GatewayConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    // The webhook route reads raw bytes itself; no global parser may consume or inflate them.
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
  const server: Server = app.getHttpServer();
  hardenHttpServer(server, config, app.get(Logger));
  if (config.usesDevelopmentSecret) {
    app
      .get(Logger)
      .warn('API_KEY_HMAC_SECRET is not set: using the development secret (never in production)');
  }
  return app;
}
