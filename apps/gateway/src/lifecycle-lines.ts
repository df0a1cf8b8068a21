import { SourceRegistry } from '@gateway/sources-core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from './config/gateway-config';

// What the process says as it starts and stops: one line each, so a developer at a terminal and an
// operator reading the logs both know what it is doing without reading the framework's chatter.

/** The start line: where it listens, what it serves, and which sources may send. */
export function servingLine(app: NestExpressApplication, config: GatewayConfig): string {
  const server: Server = app.getHttpServer();
  const { port } = server.address() as AddressInfo;
  const management = config.managementPort ? `; /metrics and probes on port ${config.managementPort}` : '';
  const routes = app.get(SourceRegistry).routes.map((route) => `/webhooks/${route}`);
  return (
    `serving on http://${config.host}:${port}${management}: ${routes.join(', ')}; ` +
    `allowed sources (ALLOWED_SOURCES): ${config.security.allowedSources.join(', ') || 'none'}`
  );
}

/** The line at SIGTERM/SIGINT: what happens next and how long it may take. */
export function stoppingLine(signal: string, config: GatewayConfig): string {
  const { shutdownDelayMs: delay, shutdownGraceMs: grace } = config;
  const first =
    delay > 0
      ? `not ready; still answering for ${delay} ms (SHUTDOWN_DELAY_MS) so load balancers take it out, then`
      : 'stopping now:';
  return `${signal}: ${first} finishing requests in flight and draining NATS (at most ${grace} ms in all)`;
}

/** One line for a listen that failed for a reason the user can fix, else undefined (a bug: thrown). */
export function listenFailure(err: unknown, config: GatewayConfig): string | undefined {
  const { code, port } = err as { code?: string; port?: number };
  const at = `${config.host}:${port ?? config.port}`;
  if (code === 'EADDRINUSE') {
    return `at-gateway: cannot listen on ${at}: the port is in use (a gateway still stopping, or another program); stop it or set PORT`;
  }
  if (code === 'EACCES') return `at-gateway: cannot listen on ${at}: permission denied (a port below 1024?)`;
  if (code === 'EADDRNOTAVAIL')
    return `at-gateway: cannot listen on ${at}: HOST is not an address of this machine`;
  return undefined;
}
