import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * An operator tool the deployment tests run (promtool, kubectl): from its *_BIN variable, else
 * PATH. `npm test` (scripts/test.sh) installs them first with scripts/ensure-*.sh.
 */
function tool(name: string, envVar: string): string {
  const fromPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name));
  const found = [process.env[envVar], ...fromPath].find((p): p is string => !!p && existsSync(p));
  if (!found) throw new Error(`${name} not found: run bash scripts/ensure-${name}.sh, or set ${envVar}`);
  return found;
}

export const promtoolBin = (): string => tool('promtool', 'PROMTOOL_BIN');
export const kubectlBin = (): string => tool('kubectl', 'KUBECTL_BIN');
export const haproxyBin = (): string => tool('haproxy', 'HAPROXY_BIN');
export const prometheusBin = (): string => tool('prometheus', 'PROMETHEUS_BIN');
