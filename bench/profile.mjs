// `npm run bench:profile`: the gateway under the benchmark's signed load with --cpu-prof, then the
// hottest functions by self time and the cost by package. The .cpuprofile is kept under
// .bench/ and opens as a flame graph in Chrome DevTools (Performance tab) or speedscope.app.
//
//   npm run bench:profile -- --seconds 10 --connections 32 --bytes 1024
import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { signedLoad } from './load.mjs';
import { gatewayArgs, startNats, startTarget, workDir, BENCH_SECRET, benchGatewayEnv } from './processes.mjs';

const { values: opts } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    bytes: { type: 'string', default: '1024' },
    seconds: { type: 'string', default: '10' },
    top: { type: 'string', default: '30' },
  },
});
const SECRET = BENCH_SECRET;
const dir = workDir();
const out = resolve('.bench');
mkdirSync(out, { recursive: true });

const gateway = await startTarget(
  'gateway',
  ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...gatewayArgs()],
  benchGatewayEnv((await startNats(dir)).url),
  dir,
);
const load = { ...gateway, secret: SECRET, connections: Number(opts.connections), bytes: Number(opts.bytes) };
await signedLoad({ ...load, seconds: 2 }); // warm-up, so the profile shows optimised code
const r = await signedLoad({ ...load, seconds: Number(opts.seconds) });
console.log(`${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}`);

const exited = new Promise((res) => gateway.child.once('exit', res));
gateway.child.kill('SIGTERM'); // the profile is written on a clean exit
await exited;
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const kept = join(out, `gateway-${Date.now()}.cpuprofile`);
renameSync(join(dir, file), kept);

const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(kept, 'utf8'));
const selfUs = new Map();
samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map();
const byPackage = new Map();
for (const n of nodes) {
  const us = selfUs.get(n.id) ?? 0;
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|bench)\//, '$1/');
  const fn = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  const pkg = url.includes('node_modules/')
    ? url
        .split('node_modules/')[1]
        .split('/')
        .slice(0, url.includes('node_modules/@') ? 2 : 1)
        .join('/')
    : url.startsWith('node:')
      ? 'node core'
      : url.includes('/dist/')
        ? 'gateway (dist)'
        : functionName.startsWith('(')
          ? functionName
          : 'native/other';
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
}
const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log('\nself time by package:');
for (const [k, us] of top(byPackage, 20)) console.log(`  ${pct(us)}  ${k}`);
console.log(`\nhottest ${opts.top} functions (self time):`);
for (const [k, us] of top(byFunction, Number(opts.top))) console.log(`  ${pct(us)}  ${k}`);
console.log(`\nprofile: ${kept}`);
process.exit(0); // the nats-server child would keep this process alive
