import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { IContainer } from 'kubernetes-models/v1';
import { GATEWAY_SECRET_VARIABLES } from '../../apps/gateway/src/config/load-config';
import { kubectlBin } from './tools';

const ROOT = join(__dirname, '../..');

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
}

/** `kubectl kustomize <dir>` (relative to the repository), as an operator renders it. */
export function render(dir: string): Manifest[] {
  const text = execFileSync(kubectlBin(), ['kustomize', join(ROOT, dir)], { encoding: 'utf8' });
  return parseAllDocuments(text).map((d) => d.toJS() as Manifest);
}

export function one(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found.length !== 1) throw new Error(`${found.length} ${kind} ${name ?? ''} rendered, not one`);
  return found[0];
}

/** The first container of a Deployment's or Job's pod. */
export const containerOf = (workload: Manifest): IContainer =>
  workload.spec.template.spec.containers[0] as IContainer;

/**
 * The environment the container starts with: its ConfigMaps (envFrom) under its own `env`, as the
 * kubelet merges them. `mounts` maps a mount path of the pod to the local folder standing in for
 * that volume, so a variable naming a file in a mounted Secret names the test's copy of it.
 */
export function containerEnv(
  manifests: Manifest[],
  container: IContainer,
  mounts: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    Object.assign(env, one(manifests, 'ConfigMap', from.configMapRef!.name).data);
  }
  for (const e of container.env ?? []) env[e.name] = e.value ?? '';
  for (const [name, value] of Object.entries(env)) {
    for (const [path, local] of Object.entries(mounts)) {
      if (value === path || value.startsWith(`${path}/`)) env[name] = local + value.slice(path.length);
    }
  }
  return env;
}

/** The Secret at-gateway-secrets as docs/deployment.md has it created: every key, empty when not in use. */
export const gatewaySecret = (keys: Record<string, string>): Record<string, string> => ({
  ...Object.fromEntries(GATEWAY_SECRET_VARIABLES.map((name) => [name, ''])),
  ...keys,
});
