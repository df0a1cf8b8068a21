import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../apps/gateway/src/config/load-config';
import { ENV_NAMES, ROOT, seconds } from './support/deployment';

type ComposeService = {
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
};

describe('Docker Compose stack (docker-compose.yml)', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, ComposeService>;
  };
  const { nats, gateway, prometheus, grafana } = compose.services;
  // `${VAR:-default}` as Compose resolves it with VAR unset.
  const env = Object.fromEntries(
    Object.entries(gateway.environment ?? {}).map(([k, v]) => [
      k,
      String(v).replace(/\$\{\w+:-([^}]*)\}/g, '$1'),
    ]),
  );
  const mounts = (service: ComposeService) =>
    (service.volumes ?? []).map((v) => {
      const [source, target] = v.split(':');
      return { source, target };
    });
  const bindMounts = Object.values(compose.services).flatMap((s) =>
    mounts(s).filter((m) => m.source.startsWith('.')),
  );

  it('configures the gateway only with variables it knows, and values it accepts', () => {
    expect(Object.keys(env).filter((n) => !ENV_NAMES.has(n))).toEqual([]);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('runs NATS with JetStream, its store on a volume', () => {
    const command = nats.command ?? [];
    expect(command).toContain('-js');
    const store = command[command.indexOf('-sd') + 1];
    expect(mounts(nats)).toContainEqual({ source: expect.not.stringMatching(/^\./), target: store });
    expect(env.NATS_URL).toBe('nats://nats:4222');
  });

  it("publishes the gateway's ports on loopback only, checks /readyz, and lets the drain finish before a kill", () => {
    const { port, managementPort, shutdownGraceMs } = loadConfig(env);
    // The development secret is public: a stack running on it is reachable from this machine only.
    expect(gateway.ports).toEqual([
      `127.0.0.1:${port}:${port}`,
      `127.0.0.1:${managementPort}:${managementPort}`,
    ]);
    expect(gateway.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${managementPort}/readyz`);
    expect(Number(/^(\d+)s$/.exec(gateway.stop_grace_period ?? '')?.[1])).toBeGreaterThan(
      seconds(shutdownGraceMs),
    );
  });

  it('mounts only files that exist, and wires Prometheus and Grafana to each other and the gateway', () => {
    expect(bindMounts.filter((m) => !existsSync(resolve(ROOT, m.source)))).toEqual([]);
    const config = parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    expect(mounts(prometheus)).toContainEqual({ source: './deploy/prometheus', target: '/etc/prometheus' });
    expect(config.scrape_configs[0].static_configs[0].targets).toEqual([
      `gateway:${loadConfig(env).managementPort}`,
    ]);

    expect(mounts(grafana)).toContainEqual({
      source: './deploy/grafana/provisioning',
      target: '/etc/grafana/provisioning',
    });
    const provider = parse(
      readFileSync(join(ROOT, 'deploy/grafana/provisioning/dashboards/at-gateway.yml'), 'utf8'),
    ) as { providers: { options: { path: string } }[] };
    const dashboards = mounts(grafana).find((m) => m.target === provider.providers[0].options.path);
    expect(dashboards?.source).toBe('./deploy/grafana/dashboards');
    expect(existsSync(join(ROOT, 'deploy/grafana/dashboards/at-gateway.json'))).toBe(true);
    const datasource = parse(
      readFileSync(join(ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as { datasources: { url: string }[] };
    expect(datasource.datasources[0].url).toBe('http://prometheus:9090');
  });
});
