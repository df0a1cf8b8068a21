import { readFile } from 'node:fs/promises';
import type { SecretFileTexts, SecretVariable } from './secret-variables';

/** What a secret file held at the last look: its text, or why it could not be read. */
type Seen = { text: string } | { error: string };

/** A watched file that cannot be used as it stands: unreadable or empty. */
export interface SecretFileProblem {
  variable: SecretVariable;
  reason: string;
}

const sameAs = (a: Seen, b: Seen) =>
  'text' in a && 'text' in b ? a.text === b.text : 'error' in a && 'error' in b && a.error === b.error;

async function look(path: string): Promise<Seen> {
  try {
    return { text: await readFile(path, 'utf8') };
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
}

/**
 * Polls the secret files by their content. Kubernetes updates a mounted Secret by swapping the
 * `..data` symlink of the volume to a new directory: an inotify watch on the file sees nothing
 * (its inode never changes, a new one replaces it), whereas reading the path follows the swap.
 * A few small reads per interval cost nothing next to the traffic. Knows nothing of keys: it says
 * which variables changed, and which files are unusable, the reloader decides.
 */
export class SecretFilesWatcher {
  private seen = new Map<SecretVariable, Seen>();
  /** Variables whose file has held a value: for them, an empty file is a fault, not "unset". */
  private held = new Set<SecretVariable>();
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(private readonly files: Partial<Record<SecretVariable, string>>) {}

  get isEmpty(): boolean {
    return Object.keys(this.files).length === 0;
  }

  /** Looks every `intervalMs`; call changed() once before, to remember what the start read. */
  start(intervalMs: number, onChange: (changed: SecretVariable[]) => void): void {
    this.timer = setInterval(() => void this.poll(onChange), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The variables whose file differs from the last look (all of them on the first look). */
  async changed(): Promise<SecretVariable[]> {
    const changed: SecretVariable[] = [];
    for (const [variable, path] of Object.entries(this.files) as [SecretVariable, string][]) {
      const now = await look(path);
      const before = this.seen.get(variable);
      if (!before || !sameAs(before, now)) changed.push(variable);
      this.seen.set(variable, now);
      if ('text' in now && now.text.trim()) this.held.add(variable);
    }
    return changed;
  }

  /** The text of each file as last seen (the one problems() judged), for a reload to build from. */
  texts(): SecretFileTexts {
    const texts: SecretFileTexts = {};
    for (const [variable, seen] of this.seen) if ('text' in seen) texts[variable] = seen.text;
    return texts;
  }

  /**
   * The files, as last seen, that cannot be read, or that became empty: a file empty from the
   * start means "not in use" (resolveSecretFiles), one emptied later is a broken update.
   */
  problems(): SecretFileProblem[] {
    return [...this.seen].flatMap(([variable, seen]) => {
      if ('error' in seen) return [{ variable, reason: `names a file that cannot be read (${seen.error})` }];
      return seen.text.trim() || !this.held.has(variable)
        ? []
        : [{ variable, reason: 'names a file that became empty' }];
    });
  }

  private async poll(onChange: (changed: SecretVariable[]) => void): Promise<void> {
    if (this.polling) return; // a slow disk: never two looks at once
    this.polling = true;
    try {
      const changed = await this.changed();
      if (changed.length > 0) onChange(changed);
    } finally {
      this.polling = false;
    }
  }
}
