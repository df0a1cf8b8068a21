// `npm run bench:files`: how many of the project's own source files (apps/, libs/) one webhook runs
// code in, from socket to acknowledgement. The built gateway runs with V8's precise coverage on (an
// inspector session opened by a preload, read over IPC: Node 20 has no WebSocket for --inspect);
// counts are reset, one webhook is sent on a new connection, and each file with a function called
// since counts. The same wait again without a request shows the background (timers): a function
// counts for the webhook only if it ran more often than there. dist/ is one webpack bundle with no
// source map: a copy built with one into .bench/ names the files, if its code is dist's byte for byte.
//
//   npm run build && npm run bench:files     accepted (202) and refused at the signature (401)
//   npm run bench:files -- --json --runs 5   JSON; a file counts only if it is in every run
import { execFileSync, fork } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { SourceMap } from 'node:module';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { alertOf } from './load.mjs';
import {
  freePort,
  gatewayArgs,
  gatewayMain,
  startNats,
  workDir,
  BENCH_SECRET,
  benchGatewayEnv,
} from './processes.mjs';

const options = { json: { type: 'boolean' }, runs: { type: 'string', default: '3' } };
const { values: opts } = parseArgs({ options });
const SECRET = BENCH_SECRET;
const root = new URL('..', import.meta.url).pathname;
const SETTLE_MS = 50; // after the answer: what the gateway does once it is out (log, metrics) counts too

/** The source map of dist's gateway bundle, from a copy built with one; undefined when they differ. */
function sourceMapOf(dist, dir) {
  const out = join(root, '.bench/files-per-webhook');
  const mapped = join(out, 'apps/gateway/main.js');
  const same = () =>
    existsSync(mapped) &&
    readFileSync(mapped, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '') === dist;
  if (!same()) {
    const config = join(dir, 'webpack.config.cjs'); // not in the checkout, where ESLint would read it
    writeFileSync(
      config,
      `module.exports = (o) => ({ ...o, devtool: 'source-map', output: { ...o.output, path: ${JSON.stringify(out)} },
  plugins: o.plugins.filter((p) => p.constructor.name !== 'ForkTsCheckerWebpackPlugin') });\n`,
    );
    const nest = join(root, 'node_modules/.bin/nest');
    const quiet = { cwd: root, stdio: 'ignore' };
    execFileSync(nest, ['build', 'gateway', '--webpackPath', relative(root, config)], quiet);
  }
  return same() ? new SourceMap(JSON.parse(readFileSync(`${mapped}.map`, 'utf8'))) : undefined;
}

/** offset in the bundle -> `libs/x/src/y.ts`, or `main.js module N` without a map; null: not project code. */
function fileNamer(dist, map) {
  const lineStarts = [0];
  for (let i = dist.indexOf('\n'); i !== -1; i = dist.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const modules = [...dist.matchAll(/^\/\* (\d+) \*\/$/gm)].map((m) => [m.index, m[1]]);
  const sourceOn = (line) => {
    const entry = map.findEntry(line, 1e9); // the last on the line, or one on a line before: not its
    return entry.generatedLine === line ? entry.originalSource : undefined;
  };
  return (offset) => {
    if (!map) return `dist/apps/gateway/main.js module ${modules.findLast(([at]) => at <= offset)[1]}`;
    let line = lineStarts.findLastIndex((start) => start <= offset);
    const entry = map.findEntry(line, offset - lineStarts[line]);
    let source = (entry.generatedLine === line && entry.originalSource) || sourceOn(line);
    // TypeScript's helpers (the getters of `export *`) are mapped to nothing: the next mapped line of
    // the same webpack module, which is one source file, names theirs.
    const end = Math.min(
      modules.find(([at]) => at > offset)?.[0] ?? Infinity,
      dist.indexOf('\n/******/', offset),
    );
    while (!source && lineStarts[++line] < end) source = sourceOn(line);
    source = source?.replace(/^webpack:\/\/[^/]*\/\.\//, '');
    return /^(apps|libs)\//.test(source ?? '') ? source : null;
  };
}

// Runs in the gateway before main.js: counts every call of every function from the start.
const PRELOAD = `const { Session } = require('node:inspector');
const session = new Session();
session.connect();
const post = (m, p) => new Promise((ok, no) => session.post(m, p, (e, r) => (e ? no(e) : ok(r))));
const on = post('Profiler.enable').then(() => post('Profiler.startPreciseCoverage', { callCount: true, detailed: true }));
process.on('message', async ({ id }) => {
  await on;
  const { result } = await post('Profiler.takePreciseCoverage'); // and resets the counts
  const bundle = result.filter((s) => s.url.endsWith('/dist/apps/gateway/main.js')).flatMap((s) => s.functions);
  process.send({ id, called: bundle.map((f) => f.ranges[0]).filter((r) => r.count > 0).map((r) => [r.startOffset, r.count]) });
});\n`;

async function startGateway(dir) {
  const preload = join(dir, 'coverage-preload.cjs');
  writeFileSync(preload, PRELOAD);
  const port = await freePort();
  const nodeArgs = gatewayArgs();
  const main = nodeArgs.pop();
  const log = openSync(join(dir, 'gateway.log'), 'a');
  const env = {
    PATH: process.env.PATH,
    PORT: String(port),
    ...benchGatewayEnv((await startNats(dir)).url, 'files-per-webhook'),
  };
  const execArgv = [...nodeArgs, '--require', preload];
  const child = fork(main, [], { env, execArgv, stdio: ['ignore', log, log, 'ipc'] });
  process.on('exit', () => child.kill('SIGKILL'));
  for (let end = Date.now() + 20_000; ; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`gateway exited; see ${join(dir, 'gateway.log')}`);
    if (Date.now() > end) throw new Error('gateway not ready within 20 s');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (ready?.ok) break;
  }
  const waiting = new Map();
  child.on('message', ({ id, called }) => waiting.get(id)?.(called));
  let seq = 0;
  /** The functions called since the last snapshot, [startOffset, count]. */
  const snapshot = () => new Promise((ok) => (waiting.set(++seq, ok), child.send({ id: seq })));
  return { port, snapshot };
}

/** One TradingView alert signed with the gateway scheme, on a new connection; resolves with its status. */
function send(port, secret) {
  const body = alertOf(0)(randomUUID());
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomUUID();
  const mac = createHmac('sha256', secret).update(`${ts}.${nonce}.${body}`).digest('hex');
  const headers = { 'content-type': 'application/json', 'x-timestamp': ts, 'x-nonce': nonce };
  return new Promise((ok, no) => {
    const path = '/webhooks/tradingview';
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers });
    req.setHeader('x-signature', `sha256=${mac}`);
    req.on('response', (res) => res.resume().on('end', () => ok(res.statusCode))).on('error', no);
    req.end(body);
  });
}

/** Files of the webhook (net of the background) and of the background alone, over `runs` runs. */
async function measure({ port, snapshot }, name, secret, expected) {
  const files = [];
  const background = new Set();
  let unattributed = 0; // functions of the bundle called that map to no project file (webpack's own)
  for (let run = 0; run < Number(opts.runs); run++) {
    await snapshot();
    const start = performance.now();
    const status = await send(port, secret);
    await sleep(SETTLE_MS);
    const during = await snapshot();
    const ms = performance.now() - start;
    if (status !== expected) throw new Error(`${name}: expected ${expected}, got ${status}`);
    await sleep(ms); // the same time again, without a request
    const idle = new Map(await snapshot());
    idle.forEach((_, offset) => nameOf(offset) && background.add(nameOf(offset)));
    const own = during.filter(([o, n]) => n > (idle.get(o) ?? 0)).map(([o]) => nameOf(o));
    unattributed = Math.max(unattributed, own.filter((f) => f === null).length);
    files.push(new Set(own));
  }
  const clean = (set) => [...set].filter(Boolean).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const always = clean(files[0]).filter((f) => files.every((s) => s.has(f)));
  const perRun = files.map((s) => clean(s).length);
  return { name, status: expected, count: always.length, perRun, files: always, unattributed, background };
}

const dist = readFileSync(gatewayMain, 'utf8');
const dir = workDir();
const map = sourceMapOf(dist, dir);
const nameOf = fileNamer(dist, map);
const gateway = await startGateway(dir);
for (let i = 0; i < 50; i++) await send(gateway.port, SECRET);
for (let i = 0; i < 10; i++) await send(gateway.port, 'not-the-key');
const results = [
  await measure(gateway, 'accepted', SECRET, 202),
  await measure(gateway, 'refused at the signature (wrong key)', 'not-the-key', 401),
];

const dirOf = (file) => file.split(/\/src\/| (?=module)/)[0];
if (opts.json) {
  const json = results.map((r) => ({ ...r, background: [...r.background].sort() }));
  console.log(JSON.stringify({ sourceMapped: Boolean(map), results: json }, null, 2));
} else {
  if (!map) console.log('dist/ is not a build of these sources (npm run build): webpack modules, not files');
  for (const r of results) {
    console.log(`\n${r.name} (${r.status}): ${r.count} files (per run: ${r.perRun.join(', ')})`);
    for (const lib of new Set(r.files.map(dirOf))) {
      const inLib = r.files.filter((f) => dirOf(f) === lib);
      console.log(
        `  ${lib} (${inLib.length})\n${inLib.map((f) => `    ${f.slice(lib.length + 1)}`).join('\n')}`,
      );
    }
    console.log(
      `  background in the same time without a request: ${[...r.background].sort().join(', ') || 'none'}`,
    );
    console.log(`  functions of the bundle called that map to no project file: ${r.unattributed}`);
  }
}
process.exit(0); // the nats-server and the gateway would keep this process alive
