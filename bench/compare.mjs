// `npm run bench:compare -- <baseline checkout> [<candidate checkout>]`: two builds of the gateway
// against each other, for "does this change cost more than 5%?". Both run at once, each with its
// own nats-server, and take turns under the benchmark's load in short bursts (A B, then B A, ...),
// so a machine whose speed drifts from second to second (a shared VM) slows both alike; the
// answer is the median of the per-round ratios. The candidate is this checkout unless given.
//
//   git worktree add /tmp/base <ref> && (cd /tmp/base && npm ci && npm run build)
//   npm run build && npm run bench:compare -- /tmp/base
//   npm run bench:compare -- /tmp/base . --rounds 40 --seconds 2
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { signedLoad } from './load.mjs';
import { gatewayArgs, startNats, startTarget, workDir, BENCH_SECRET, benchGatewayEnv } from './processes.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    connections: { type: 'string', default: '32' },
    bytes: { type: 'string', default: '1024' },
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '30' },
  },
});
if (positionals.length < 1)
  throw new Error('usage: npm run bench:compare -- <baseline checkout> [<candidate>]');
const [baseline, candidate] = [positionals[0], positionals[1] ?? '.'].map((p) => resolve(p));
const SECRET = BENCH_SECRET;
process.setMaxListeners(20); // each work directory removes itself on exit

async function start(root) {
  const dir = workDir();
  const gateway = await startTarget(
    'gateway',
    gatewayArgs(root),
    benchGatewayEnv((await startNats(dir)).url),
    dir,
  );
  const load = {
    ...gateway,
    secret: SECRET,
    connections: Number(opts.connections),
    bytes: Number(opts.bytes),
  };
  await signedLoad({ ...load, seconds: 3 }); // warm-up
  return { root, load, runs: [] };
}

const targets = [await start(baseline), await start(candidate)];
for (let round = 0; round < Number(opts.rounds); round++) {
  for (const target of round % 2 ? [...targets].reverse() : targets) {
    const run = await signedLoad({ ...target.load, seconds: Number(opts.seconds) });
    if (run.non2xx) console.log(`${target.root}: ${run.non2xx} non-2xx answers in round ${round + 1}`);
    target.runs.push(run);
  }
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
for (const { root, runs } of targets) {
  const m = (pick) => median(runs.map(pick));
  console.log(
    `${root}: ${m((r) => r.rps).toFixed(0)} req/s, ${m((r) => r.cpuPerRequestMs).toFixed(3)} ms CPU per request, ` +
      `p50 ${m((r) => r.p50)} ms, p99 ${m((r) => r.p99)} ms (medians of ${runs.length} rounds)`,
  );
}
const [a, b] = targets;
const ratio = (pick) => median(a.runs.map((run, i) => pick(b.runs[i]) / pick(run)));
console.log(
  `candidate ÷ baseline, median of paired rounds: throughput ${ratio((r) => r.rps).toFixed(3)}x, ` +
    `CPU per request ${ratio((r) => r.cpuPerRequestMs).toFixed(3)}x`,
);
process.exit(0);
