import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines } from './json-lines';

const MAIN = join(__dirname, '../../dist/apps/dlq-replay/main.js');

export interface Finished {
  code: number | null;
  output: string;
  /** stdout lines parsed as JSON (the log); other lines skipped. */
  lines: Record<string, unknown>[];
}

/** Runs the built DLQ replay (`npm run build` first) to its end. */
export function runReplayProcess(env: Record<string, string>, args: string[] = []): Promise<Finished> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  const proc = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  proc.stdout.on('data', (d: Buffer) => chunks.push(d.toString()));
  proc.stderr.on('data', (d: Buffer) => chunks.push(d.toString()));
  return new Promise((resolve) =>
    proc.once('close', (code) => {
      const output = chunks.join('');
      resolve({ code, output, lines: jsonLines(output) });
    }),
  );
}
