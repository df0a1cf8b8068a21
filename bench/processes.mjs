// The processes a benchmark run needs: a private JetStream nats-server and the two targets.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = new URL('..', import.meta.url).pathname;
const children = new Set();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const accepts = (port) =>
  new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1', () => socket.end(() => resolve(true)));
    socket.on('error', () => resolve(false));
  });

async function until(what, check, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function launch(command, args, env, logFile) {
  const out = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(command, args, { env, stdio: ['ignore', out, out] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * A private JetStream nats-server. `tls`: serve TLS only, with a throw-away CA made by openssl;
 * returns the CA file the clients verify it with (NATS_TLS_CA_FILE).
 */
export async function startNats(dir, { tls = false } = {}) {
  const bin = execFileSync('bash', [join(root, 'scripts/ensure-nats-server.sh')], {
    encoding: 'utf8',
  }).trim();
  const port = await freePort();
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'nats')];
  const caFile = tls ? makeCertificates(dir) : undefined;
  if (caFile) args.push('--tls', '--tlscert', join(dir, 'server.pem'), '--tlskey', join(dir, 'server.key'));
  launch(bin, args);
  await until('nats-server', () => accepts(port));
  return { url: `${tls ? 'tls' : 'nats'}://127.0.0.1:${port}`, caFile };
}

/** A CA and a server certificate for 127.0.0.1 in `dir`; returns the CA file. */
function makeCertificates(dir) {
  const openssl = execFileSync('bash', [join(root, 'scripts/ensure-openssl.sh')], {
    encoding: 'utf8',
  }).trim();
  const run = (args) => execFileSync(openssl, args, { cwd: dir, stdio: 'ignore' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=bench-ca']);
  run(['req', ...key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'server.ext',
    ]),
  );
  return join(dir, 'ca.pem');
}

/**
 * Starts a target listening on a free port; resolves once it answers. Its stdout (the gateway's
 * production JSON log) goes to a file, as a container runtime would take it.
 */
export async function startTarget(name, args, env, dir) {
  const port = await freePort();
  const child = launch(
    process.execPath,
    args,
    { PATH: process.env.PATH, ...env, PORT: String(port) },
    join(dir, `${name}.log`),
  );
  await until(name, async () => {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}; see ${join(dir, `${name}.log`)}`);
    return accepts(port);
  });
  return { name, pid: child.pid, url: `http://127.0.0.1:${port}`, child };
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssOf(pid) {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return match ? Number(match[1]) * 1024 : 0;
}

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc (Linux). */
export function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
}

export function workDir() {
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const gatewayMain = join(root, 'dist/apps/gateway/main.js');

/**
 * node's arguments for the gateway as production starts it: `npm run start:prod`, as the image's
 * CMD; of this checkout, or of another one (`npm run bench:compare`).
 */
export function gatewayArgs(checkout = root) {
  const command = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')).scripts['start:prod'];
  const [node, ...args] = command.split(/\s+/);
  if (node !== 'node') throw new Error(`start:prod must start with node: ${command}`);
  return args.map((a) => (a.endsWith('.js') ? join(checkout, a) : a));
}
export const referenceMain = join(root, 'bench/reference.mjs');

export const BENCH_SECRET = 'bench-secret-0123456789';

/** The gateway's environment in every benchmark: production mode, its default source, no limit in the way. */
export function benchGatewayEnv(natsUrl, stream = 'bench') {
  return {
    NATS_URL: natsUrl,
    NATS_STREAM: stream,
    // A run writes far more than a day of signals: retention limits are not what it measures.
    NATS_STREAM_MAX_BYTES: '0',
    API_KEY_HMAC_SECRET: BENCH_SECRET,
    ALLOWED_SOURCES: 'tradingview',
    RATE_LIMIT_RPS: '100000',
    ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    SHUTDOWN_DELAY_MS: '0', // no load balancer to wait for
  };
}
