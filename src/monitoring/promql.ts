/**
 * The metric names a PromQL expression selects (for the checks that dashboards and alert
 * rules query only what the exporter serves). Enough PromQL for our own expressions:
 * label matchers, grouping clauses, ranges, strings and function calls are skipped.
 */

const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "inf",
  "nan",
]);

export function metricsOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const out = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = m[0];
    const after = stripped.slice((m.index ?? 0) + name.length).trimStart();
    if (after.startsWith("(")) continue; // a function
    if (KEYWORDS.has(name.toLowerCase())) continue;
    out.add(name);
  }
  return [...out];
}

/** Histograms are served as `<name>_bucket`, `_sum`, `_count`. */
export function servedSeriesNames(families: { name: string; type: string }[]): Set<string> {
  const out = new Set<string>();
  for (const f of families) {
    out.add(f.name);
    if (f.type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) out.add(f.name + s);
  }
  return out;
}
