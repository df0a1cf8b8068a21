#!/usr/bin/env node
// Fails when anything this project ships names an image by a mutable reference, so a rollback
// runs the previous build and every node runs the same one (docs/deployment.md "Upgrade and
// rollback"). Checked: every kustomization under deploy/k8s (base, overlays, examples), rendered
// with `kubectl kustomize` (KUBECTL_BIN), and every `image:` of docker-compose.yml.
//   - the gateway's own image: `<package.json version>-<git revision>` or `@sha256:<digest>`;
//   - any other image: a full release (`2.10.22-alpine`, `v2.42.0`) or a digest;
//   - never `latest`, a bare name, a major or a minor alone (`nats:2.10-alpine`).
// Usage: node scripts/check-image-refs.mjs [repository root]     (exit 1 naming each offender)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const root = process.argv[2] ?? join(import.meta.dirname, '..');
const kubectl = process.env.KUBECTL_BIN || 'kubectl';
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const OWN = 'at-gateway';
const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** Why `ref` is mutable, or undefined when it is not. */
export function mutability(ref) {
  if (DIGEST.test(ref)) return undefined;
  const slash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', slash + 1);
  if (colon === -1) return 'no tag (means latest)';
  const [name, tag] = [ref.slice(slash + 1, colon), ref.slice(colon + 1)];
  if (tag === 'latest') return 'the tag latest';
  if (name === OWN) {
    return new RegExp(`^${version.replaceAll('.', '\\.')}-[0-9a-f]{7,40}$`).test(tag)
      ? undefined
      : `not <version>-<git revision> (${version}-<rev>) nor a digest`;
  }
  return /^v?\d+\.\d+\.\d+([-+.][\w.-]+)?$/.test(tag) ? undefined : 'not a full release (x.y.z) nor a digest';
}

function kustomizations(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...kustomizations(path));
    else if (entry.name === 'kustomization.yaml') found.push(dir);
  }
  return found;
}

function imagesIn(value, out = []) {
  if (Array.isArray(value)) value.forEach((v) => imagesIn(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'image' && typeof v === 'string') out.push(v);
      else imagesIn(v, out);
    }
  }
  return out;
}

const refs = [];
for (const dir of kustomizations(join(root, 'deploy/k8s'))) {
  const kind = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))?.kind;
  if (kind === 'Component') continue; // rendered as part of the overlays that use it
  const text = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8' });
  const images = parseAllDocuments(text).flatMap((d) => imagesIn(d.toJS()));
  refs.push(...images.map((image) => [relative(root, dir), image]));
}
const compose = join(root, 'docker-compose.yml');
if (existsSync(compose)) {
  for (const [name, service] of Object.entries(parse(readFileSync(compose, 'utf8')).services ?? {})) {
    // A service built from this checkout (`build: .`) pulls nothing.
    if (service.image) refs.push([`docker-compose.yml ${name}`, service.image]);
  }
}

const offenders = refs.flatMap(([where, ref]) => {
  const why = mutability(ref);
  return why ? [`${where}: ${ref}: ${why}`] : [];
});
for (const line of offenders) console.error(`FAIL: ${line}`);
if (offenders.length > 0) process.exit(1);
console.log(`ok: ${refs.length} image references, all immutable`);
