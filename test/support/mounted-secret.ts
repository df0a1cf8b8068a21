import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Kubernetes Secret volume as the kubelet writes it: each key is a symlink `<key> -> ..data/<key>`,
 * `..data` a symlink to a timestamped directory, and an update writes a new directory and swaps
 * `..data` with one rename (atomic). The files' inodes never change in place.
 */
export class MountedSecret {
  readonly dir = mkdtempSync(join(tmpdir(), 'gw-secret-'));
  private generation = 0;
  private current?: string;

  path(key: string): string {
    return join(this.dir, key);
  }

  /** Puts exactly `keys` (name -> content) in the volume, in one swap. */
  update(keys: Record<string, string>): this {
    const name = `..gen_${++this.generation}`;
    mkdirSync(join(this.dir, name));
    for (const [key, content] of Object.entries(keys)) writeFileSync(join(this.dir, name, key), content);
    symlinkSync(name, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    for (const key of Object.keys(keys)) {
      try {
        symlinkSync(join('..data', key), this.path(key));
      } catch {
        // already linked: the link goes through ..data, which now points at the new directory
      }
    }
    if (this.current) rmSync(join(this.dir, this.current), { recursive: true });
    this.current = name;
    return this;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
