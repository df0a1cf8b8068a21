import { getToken, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { totalmem } from 'node:os';
import type { Gauge } from 'prom-client';

export const BUILD_INFO = 'gateway_build_info';
export const MEMORY_LIMIT_BYTES = 'gateway_memory_limit_bytes';
const BUILD_INFO_SET = Symbol('BUILD_INFO_SET');
const MEMORY_LIMIT_SET = Symbol('MEMORY_LIMIT_SET');

/**
 * The memory this process may use: its cgroup (container) limit, or the host's memory when it has
 * none (Node reports "no limit" as 0 or a huge number). Alerts compare the resident set with it
 * without needing kube-state-metrics or cAdvisor series.
 */
function memoryLimitBytes(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  return limit > 0 ? Math.min(limit, totalmem()) : totalmem();
}

/** What is running: the package version and the git revision the image was built from. */
export interface BuildInfo {
  version: string;
  revision: string;
}

/**
 * `gateway_build_info{version,revision,node} 1` and `gateway_memory_limit_bytes`, set once at start.
 */
export const buildInfoProviders = (build: BuildInfo) => [
  makeGaugeProvider({
    name: BUILD_INFO,
    help: 'Always 1; its labels name the running build: version, git revision, Node.js version.',
    labelNames: ['version', 'revision', 'node'],
  }),
  {
    provide: BUILD_INFO_SET,
    inject: [getToken(BUILD_INFO)],
    useFactory: (gauge: Gauge<'version' | 'revision' | 'node'>) =>
      gauge.set({ version: build.version, revision: build.revision, node: process.version }, 1),
  },
  makeGaugeProvider({
    name: MEMORY_LIMIT_BYTES,
    help: 'The memory limit of the process: its container (cgroup) limit, else the host memory.',
  }),
  {
    provide: MEMORY_LIMIT_SET,
    inject: [getToken(MEMORY_LIMIT_BYTES)],
    useFactory: (gauge: Gauge) => gauge.set(memoryLimitBytes()),
  },
];
