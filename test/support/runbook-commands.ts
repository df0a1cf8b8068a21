import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A command or query as a runbook page gives it. */
export interface RunbookSnippet {
  page: string;
  text: string;
}

/** Every inline code span and every line of an indented code block of docs/runbooks/*.md. */
export function runbookSnippets(root: string): RunbookSnippet[] {
  const dir = join(root, 'docs/runbooks');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .flatMap((page) => {
      const text = readFileSync(join(dir, page), 'utf8');
      const blocks = text
        .split('\n')
        .filter((line) => /^ {4}\S/.test(line))
        .map((line) => line.trim().replace(/\s+#.*$/, ''));
      const spans = [...text.replace(/\n\s*/g, ' ').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      return [...blocks, ...spans].map((snippet) => ({ page, text: snippet }));
    });
}

/** Splits a command line into words as a POSIX shell would (quotes removed, no expansion). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) {
    words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]));
  }
  return words;
}

/** The pipeline's stages, split on `|` outside quotes. */
export function pipelineOf(line: string): string[] {
  const stages: string[] = [];
  let current = '';
  let quote = '';
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '|') {
      stages.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  return [...stages, current.trim()];
}

/** A PromQL query (a function call, a matcher or a comparison), as opposed to a name in prose. */
export const isPromql = (text: string): boolean =>
  /^(sum|max|count|rate|increase|histogram_quantile|up|gateway_|nodejs_|process_)/.test(text) &&
  /\(|=|\/| == /.test(text);
