/** One sample of a Prometheus text exposition: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function samplesOf(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const m = line.startsWith('#') ? null : SAMPLE.exec(line);
    if (!m) return [];
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map(([, k, v]) => [k, v]));
    return [{ name: m[1], labels, value: Number(m[3]) }];
  });
}

/** Only the metric families whose name starts with `prefix`: their HELP, TYPE and sample lines. */
export function familiesWithPrefix(text: string, prefix: string): string {
  const nameOf = (line: string) => (line.startsWith('# ') ? line.split(' ')[2] : line);
  return (
    text
      .split('\n')
      .filter((line) => line && nameOf(line).startsWith(prefix))
      .join('\n') + '\n'
  );
}

/**
 * By the gateway's own `gateway_webhook_duration_seconds` at `metricsUrl`: how many of `source`'s
 * webhooks it answered, and how many of them within `le` seconds (a client's clock on a shared
 * machine would time the machine, not the gateway).
 */
export async function answeredWithin(
  metricsUrl: string,
  source: string,
  le: string,
): Promise<{ answered?: number; within?: number }> {
  const samples = samplesOf(await (await fetch(metricsUrl)).text());
  const value = (suffix: string, bucket?: string) =>
    samples.find(
      (s) =>
        s.name === `gateway_webhook_duration_seconds_${suffix}` &&
        s.labels.source === source &&
        (bucket === undefined || s.labels.le === bucket),
    )?.value;
  return { answered: value('count'), within: value('bucket', le) };
}
