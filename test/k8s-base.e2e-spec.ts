import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IContainer, IProbe } from 'kubernetes-models/v1';
import { fileVariable } from '@gateway/config';
import { GATEWAY_SECRET_VARIABLES, loadConfig } from '../apps/gateway/src/config/load-config';
import { ENV_NAMES, ROOT, seconds } from './support/deployment';
import { TestGateway } from './support/gateway';
import { freePort, TestNatsServer } from './support/nats-server';
import { kubectlBin } from './support/tools';

const BASE = join(ROOT, 'deploy/k8s/base');

/** A production key for the checks that load the configuration as the pod would. */
const KEY = 'from-the-secret-0123456789';

/** Schema-level validation (types, required fields, enums) of every kind the base may hold. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

describe('Kubernetes base (deploy/k8s/base)', () => {
  let manifests: Manifest[];
  let deployment: Deployment;
  let container: IContainer;
  let configMap: ConfigMap;
  const one = <T>(kind: string) => {
    const found = manifests.filter((m) => m.kind === kind);
    expect(found.map((m) => m.kind)).toEqual([kind]);
    return found[0] as unknown as T;
  };

  beforeAll(() => {
    const rendered = execFileSync(kubectlBin(), ['kustomize', BASE], { encoding: 'utf8' });
    manifests = parseAllDocuments(rendered).map((d) => d.toJS() as Manifest);
    deployment = one<Deployment>('Deployment');
    configMap = one<ConfigMap>('ConfigMap');
    container = deployment.spec!.template.spec!.containers[0];
  });

  it('renders with kubectl kustomize into valid objects of the expected kinds', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Service',
      'Service',
      'ServiceAccount',
    ]);
    for (const manifest of manifests) {
      const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
      expect(Model ? '' : `no model for ${manifest.apiVersion} ${manifest.kind}`).toBe('');
      expect(() => new Model(manifest as never).validate()).not.toThrow();
    }
  });

  it('configures the gateway only with variables it knows, and values it accepts', () => {
    const names = [...Object.keys(configMap.data ?? {}), ...(container.env ?? []).map((e) => e.name)];
    expect(names.filter((n) => !ENV_NAMES.has(n))).toEqual([]);
    expect(container.envFrom?.map((e) => e.configMapRef?.name)).toEqual([configMap.metadata!.name]);
    // What the process would do at start with this ConfigMap and its Secret.
    expect(() => loadConfig({ ...configMap.data, API_KEY_HMAC_SECRET: KEY })).not.toThrow();
    expect(configMap.data!.ENV).toBe('production');
  });

  it('takes every secret as a file of the mounted Secret, updated in place (rotation without a rollout)', () => {
    const volume = deployment.spec!.template.spec!.volumes?.find((v) => v.secret);
    expect(volume?.secret).toMatchObject({ secretName: 'at-gateway-secrets' });
    expect(volume?.secret?.optional).not.toBe(true);
    // A subPath mount is a copy the kubelet never updates; only a directory mount follows the Secret.
    const mount = container.volumeMounts?.find((m) => m.name === volume?.name);
    expect(mount).toMatchObject({ readOnly: true });
    expect(mount?.subPath).toBeUndefined();
    for (const name of GATEWAY_SECRET_VARIABLES) {
      expect(configMap.data).not.toHaveProperty(name);
      expect(container.env?.find((e) => e.name === name)).toBeUndefined();
      const file = container.env?.find((e) => e.name === fileVariable(name));
      expect(file?.value).toBe(`${mount?.mountPath}/${name}`);
    }
    // Readable by the gateway's group only.
    expect(volume?.secret?.defaultMode).toBe(0o440);
    expect(deployment.spec!.template.spec!.securityContext?.fsGroup).toBe(1000);
  });

  it('exposes webhooks on the public port, and probes and scrapes on the management port only', () => {
    const { port, managementPort } = loadConfig({ ...configMap.data, API_KEY_HMAC_SECRET: KEY });
    const http = container.ports?.find((p) => p.name === 'http');
    const management = container.ports?.find((p) => p.name === 'management');
    expect(http?.containerPort).toBe(port);
    expect(management?.containerPort).toBe(managementPort);
    expect(managementPort).toBe(8002);
    for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
      expect(['management', managementPort]).toContain(probe?.httpGet?.port);
    }
    const services = manifests.filter((m) => m.kind === 'Service') as unknown as Service[];
    const targets = (name: string) =>
      services.find((s) => s.metadata!.name === name)?.spec?.ports?.map((p) => p.targetPort);
    // The public Service reaches the webhooks alone; the scraper's Service the management port alone.
    expect(targets('at-gateway')).toEqual(['http']);
    expect(targets('at-gateway-management')).toEqual(['management']);
    const scraped = services.find((s) => s.metadata!.name === 'at-gateway-management')!.spec!.ports![0];
    expect(scraped.name).toBe('management');
    const annotations = deployment.spec!.template.metadata?.annotations ?? {};
    expect(annotations['prometheus.io/port']).toBe(String(managementPort));
    expect(annotations['prometheus.io/path']).toBe('/metrics');
  });

  it('admits webhook traffic on the public port and scrapes on the management port, nothing else', () => {
    const policy = one<NetworkPolicy>('NetworkPolicy');
    const podLabels = deployment.spec!.template.metadata!.labels!;
    expect(Object.entries(policy.spec!.podSelector.matchLabels!).every(([k, v]) => podLabels[k] === v)).toBe(
      true,
    );
    expect(policy.spec?.policyTypes).toEqual(['Ingress']);
    const rules = policy.spec!.ingress!.map((rule) => ({
      ports: rule.ports?.map((p) => p.port),
      from: rule.from?.map((peer) => peer.namespaceSelector?.matchLabels),
    }));
    expect(rules).toEqual([
      { ports: ['http'], from: undefined },
      { ports: ['management'], from: [{ 'kubernetes.io/metadata.name': 'monitoring' }] },
    ]);
  });

  it('probes liveness on /healthz, readiness on /readyz, and gives startup time before liveness counts', () => {
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container.startupProbe?.httpGet?.path).toBe('/healthz');
    const budget = (p?: IProbe) => (p?.periodSeconds ?? 10) * (p?.failureThreshold ?? 3);
    // The gateway waits up to 3 s for NATS before it listens; give it many times that.
    expect(budget(container.startupProbe)).toBeGreaterThanOrEqual(30);
  });

  it('gives the drain its full time: termination grace covers the preStop pause and SHUTDOWN_GRACE_MS', () => {
    const pause = container.lifecycle?.preStop?.exec?.command ?? [];
    expect(pause[0]).toBe('sleep');
    const pauseSec = Number(pause[1]);
    expect(pauseSec).toBeGreaterThan(0);
    const { shutdownGraceMs } = loadConfig({ ...configMap.data, API_KEY_HMAC_SECRET: KEY });
    expect(deployment.spec!.template.spec!.terminationGracePeriodSeconds).toBeGreaterThan(
      pauseSec + seconds(shutdownGraceMs),
    );
  });

  it('runs as non-root with a read-only root and no privileges, within set resources', () => {
    const pod = deployment.spec!.template.spec!.securityContext;
    expect(pod?.runAsNonRoot).toBe(true);
    expect(pod?.runAsUser).not.toBe(0);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources?.requests).toEqual(expect.objectContaining({ cpu: expect.any(String) }));
    expect(container.resources?.requests).toEqual(expect.objectContaining({ memory: expect.any(String) }));
    expect(container.resources?.limits).toEqual(expect.objectContaining({ memory: expect.any(String) }));
    // The Dockerfile's runtime user is `node` (uid 1000 in the node images), matching runAsUser.
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
    expect(pod?.runAsUser).toBe(1000);
  });

  it('selects the same pods from the Service and the PDB, and scales the Deployment with the HPA', () => {
    const podLabels = deployment.spec!.template.metadata!.labels!;
    const selects = (selector: Record<string, string> = {}) =>
      Object.entries(selector).every(([k, v]) => podLabels[k] === v) && Object.keys(selector).length > 0;
    expect(selects(deployment.spec!.selector.matchLabels)).toBe(true);
    for (const service of manifests.filter((m) => m.kind === 'Service') as unknown as Service[]) {
      expect(selects(service.spec?.selector)).toBe(true);
    }
    const pdb = one<PodDisruptionBudget>('PodDisruptionBudget');
    expect(selects(pdb.spec?.selector?.matchLabels)).toBe(true);
    const hpa = one<HorizontalPodAutoscaler>('HorizontalPodAutoscaler');
    expect(hpa.spec?.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata!.name });
    // The HPA owns the replica count; a PDB that allows one disruption still leaves one pod serving.
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2);
    expect(pdb.spec?.maxUnavailable).toBe(1);
  });

  describe('against the application itself', () => {
    let nats: TestNatsServer;
    let gateway: TestGateway;

    beforeAll(async () => {
      nats = await new TestNatsServer().start();
      gateway = await new TestGateway({
        ...configMap.data,
        API_KEY_HMAC_SECRET: KEY,
        MANAGEMENT_PORT: String(await freePort()),
        NATS_URL: nats.url,
        NATS_STREAM: 'e2e-k8s',
        LOG_LEVEL: 'silent',
      }).start();
    });

    afterAll(async () => {
      await gateway?.stop();
      await nats?.dispose();
    });

    it('answers 200 on every probe path of the manifest, and serves metrics where the scraper looks', async () => {
      const paths = [container.startupProbe, container.livenessProbe, container.readinessProbe].map(
        (p) => p!.httpGet!.path!,
      );
      for (const path of paths) {
        expect([path, (await fetch(`${gateway.managementUrl}${path}`)).status]).toEqual([path, 200]);
        expect([path, (await fetch(`${gateway.url}${path}`)).status]).toEqual([path, 404]);
      }
      const path = deployment.spec!.template.metadata!.annotations!['prometheus.io/path'];
      expect(await (await fetch(`${gateway.managementUrl}${path}`)).text()).toContain(
        'gateway_nats_connected 1',
      );
      expect((await fetch(`${gateway.url}${path}`)).status).toBe(404);
    });
  });
});
