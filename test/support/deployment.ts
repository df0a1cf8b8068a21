import 'reflect-metadata';
import { join } from 'node:path';
import { fileVariable } from '@gateway/config';
import { Environment } from '../../apps/gateway/src/config/environment';
import { GATEWAY_SECRET_VARIABLES, SOURCE_VARIABLES } from '../../apps/gateway/src/config/load-config';

export const ROOT = join(__dirname, '../..');

/**
 * The gateway's own variable names, from the class that validates them at start, those its
 * sources declare, and the secrets' files.
 */
export const ENV_NAMES = new Set([
  ...Object.keys(new Environment()),
  ...SOURCE_VARIABLES,
  ...GATEWAY_SECRET_VARIABLES,
  ...GATEWAY_SECRET_VARIABLES.map(fileVariable),
]);

export const seconds = (ms: number) => Math.ceil(ms / 1000);
