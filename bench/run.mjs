// `npm run bench`: the gateway as built (production logging on) against the bare reference
// (bench/reference.mjs), same machine, same private nats-server, alternating rounds in one
// invocation. Prints throughput, p50/p99 latency, errors and peak RSS of each, and the ratios.
//
//   npm run bench                          32 connections, 1 KiB alerts, 3 rounds of 10 s
//   npm run bench -- --connections 128 --bytes 16384 --rounds 2 --seconds 5
//   npm run bench -- --matrix              the payload-size and concurrency tables of docs/performance.md
//   npm run bench -- --smoke               a few seconds, for CI (fails only if a target serves no 2xx)
//   npm run bench -- --tls                 both targets reach NATS over TLS (a CA made with openssl)
//   SOURCE_POLICY='tradingview:scope=cluster' npm run bench   the gateway with a cluster-wide limit
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { signedLoad } from './load.mjs';
import {
  gatewayArgs,
  gatewayMain,
  referenceMain,
  startNats,
  startTarget,
  workDir,
  BENCH_SECRET,
  benchGatewayEnv,
} from './processes.mjs';

const { values: opts } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    bytes: { type: 'string', default: '1024' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    matrix: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    tls: { type: 'boolean', default: false },
  },
});
if (opts.smoke) Object.assign(opts, { connections: '8', seconds: '2', rounds: '1', warmup: '1' });

const SECRET = BENCH_SECRET;
const STREAM = 'bench';

if (!existsSync(gatewayMain)) execSync('npm run build --silent', { stdio: 'inherit' });
const dir = workDir();
const nats = await startNats(dir, { tls: opts.tls });
const env = {
  ...benchGatewayEnv(nats.url, STREAM),
  ...(nats.caFile ? { NATS_TLS_CA_FILE: nats.caFile } : {}),
  // `SOURCE_POLICY='tradingview:scope=cluster' npm run bench` measures the cluster-wide bucket's
  // cost (docs/performance.md); the reference keeps its local bucket.
  ...(process.env.SOURCE_POLICY ? { SOURCE_POLICY: process.env.SOURCE_POLICY } : {}),
};
/**
 * Fresh processes for each setting, so one setting's heap (a 512 KiB run grows it) is not
 * reported as the next one's peak RSS. The gateway first: it provisions the stream and the
 * nonce bucket the reference binds to.
 */
async function startTargets() {
  const gateway = await startTarget('gateway', gatewayArgs(), env, dir);
  const reference = await startTarget('reference', [referenceMain], env, dir);
  return [gateway, reference];
}

async function stopTargets(targets) {
  await Promise.all(
    targets.map((t) => new Promise((resolve) => (t.child.once('exit', resolve), t.child.kill('SIGTERM')))),
  );
}

const mib = (b) => (b / 1024 / 1024).toFixed(0);
const fmt = (r) =>
  `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(5)} ms  p99 ${r.p99.toFixed(1).padStart(5)} ms  ` +
  `2xx ${r.ok}  non-2xx ${r.non2xx}  errors ${r.errors}  CPU ${r.cpuPerRequestMs.toFixed(3)} ms/req  peak RSS ${mib(r.peakRss)} MiB`;

/** Alternating rounds of both targets at one setting; the per-target figures averaged over rounds. */
async function compare(connections, bytes) {
  const seconds = Number(opts.seconds);
  const targets = await startTargets();
  for (const t of targets)
    await signedLoad({ ...t, secret: SECRET, connections, seconds: Number(opts.warmup), bytes });
  const runs = { gateway: [], reference: [] };
  for (let round = 0; round < Number(opts.rounds); round++) {
    const order = round % 2 ? [...targets].reverse() : targets;
    for (const t of order) {
      const r = await signedLoad({ ...t, secret: SECRET, connections, seconds, bytes });
      runs[t.name].push(r);
      console.log(`  round ${round + 1} ${t.name.padEnd(9)} ${fmt(r)}`);
    }
  }
  const mean = (rs, k) => rs.reduce((s, r) => s + r[k], 0) / rs.length;
  const summary = Object.fromEntries(
    Object.entries(runs).map(([name, rs]) => [
      name,
      {
        rps: mean(rs, 'rps'),
        p50: mean(rs, 'p50'),
        p99: mean(rs, 'p99'),
        cpuPerRequestMs: mean(rs, 'cpuPerRequestMs'),
        ok: rs.reduce((s, r) => s + r.ok, 0),
        non2xx: rs.reduce((s, r) => s + r.non2xx, 0),
        errors: rs.reduce((s, r) => s + r.errors, 0),
        peakRss: Math.max(...rs.map((r) => r.peakRss)),
      },
    ]),
  );
  await stopTargets(targets);
  const { gateway: g, reference: r } = summary;
  return { connections, bytes, g, r, throughput: g.rps / r.rps, p99: g.p99 / r.p99 };
}

const settings = opts.matrix
  ? [
      [32, 1024],
      [32, 16 * 1024],
      [32, 512 * 1024],
      [8, 1024],
      [128, 1024],
    ]
  : [[Number(opts.connections), Number(opts.bytes)]];

const rows = [];
for (const [connections, bytes] of settings) {
  console.log(
    `${connections} connections, ${bytes} B alerts, ${opts.rounds} × ${opts.seconds} s per target:`,
  );
  const row = await compare(connections, bytes);
  rows.push(row);
  console.log(`  gateway   ${fmt(row.g)}\n  reference ${fmt(row.r)}`);
  console.log(`  ratio: throughput ${row.throughput.toFixed(2)}x, p99 ${row.p99.toFixed(2)}x\n`);
}

console.log(
  '| connections | alert | gateway req/s | reference req/s | throughput | gateway p50/p99 ms | reference p50/p99 ms | p99 | gateway non-2xx | gateway peak RSS |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const { connections, bytes, g, r, throughput, p99 } of rows) {
  console.log(
    `| ${connections} | ${bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} B`} | ${g.rps.toFixed(0)} | ${r.rps.toFixed(0)} | ` +
      `${throughput.toFixed(2)}x | ${g.p50.toFixed(1)} / ${g.p99.toFixed(1)} | ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} | ` +
      `${p99.toFixed(2)}x | ${g.non2xx + g.errors} | ${mib(g.peakRss)} MiB |`,
  );
}

// No performance thresholds here: this only proves the benchmark still measures something real.
const broken = rows.flatMap(({ g, r }) => [g, r]).some((t) => t.ok === 0);
process.exit(broken ? 1 : 0);
