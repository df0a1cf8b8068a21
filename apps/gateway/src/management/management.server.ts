import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { createServer, type RequestListener, type Server } from 'node:http';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { hardenHttpServer } from '../http-server';
import { markManagement } from './management-routes';

/**
 * The management listener (MANAGEMENT_PORT): the same application behind a second port, so
 * /metrics and the probes need no route of the public load balancer. It opens before the public
 * port and closes after it, so probes and scrapes see the whole drain.
 */
@Injectable()
export class ManagementServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { managementPort, host } = this.config;
    if (managementPort === undefined) return;
    const app = this.adapterHost.httpAdapter.getInstance<RequestListener>();
    const server = createServer((req, res) => {
      markManagement(req);
      app(req, res);
    });
    hardenHttpServer(server, this.config, this.logger);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(managementPort, host, () => resolve());
    });
    this.server = server;
    this.logger.log(`management port ${managementPort}: /metrics, /healthz, /readyz`, 'Management');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  }
}
