import { parser } from '@prometheus-io/lezer-promql';

/** A series selector found in a PromQL expression: its metric name and the labels it matches on. */
export interface Selector {
  metric: string;
  labels: string[];
}

/**
 * Grafana's variables are not PromQL: give each a value of the right kind before parsing
 * (`$__rate_interval` is a duration, `$source` sits inside a label matcher's quotes).
 */
export function withGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/\$\{(\w+)(:\w+)?\}|\$(\w+)/g, (_m, a: string, _f, b: string) => `grafana_var_${a ?? b}`);
}

/** Every series selector of a PromQL expression; throws on a syntax error or a selector without a name. */
export function selectorsOf(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const selectors: Selector[] = [];
  const errors: number[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name !== 'VectorSelector') return;
      const selector = node.node;
      const name = selector.getChild('Identifier');
      if (!name) throw new Error(`a selector without a metric name in: ${expr}`);
      const labels = selector
        .getChildren('LabelMatchers')
        .flatMap((m) => m.getChildren('UnquotedLabelMatcher').concat(m.getChildren('QuotedLabelMatcher')))
        .map((m) => m.getChild('LabelName'))
        .filter((n) => n !== null)
        .map((n) => expr.slice(n.from, n.to));
      selectors.push({ metric: expr.slice(name.from, name.to), labels });
    },
  });
  if (errors.length > 0) throw new Error(`PromQL syntax error at ${errors[0]} in: ${expr}`);
  return selectors;
}
