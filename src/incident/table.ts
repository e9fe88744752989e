/** A plain-text table: a header, a rule, left-aligned cells (numbers are already text). */
export function renderTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? "").padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** A spec value as one table cell: structs as `k=v` pairs, bigints in decimal. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return "-";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "object")
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${cell(x)}`)
      .join(" ");
  return typeof v;
}

/**
 * Before/after rows of a state read on each stack: one row per (stack, field), the field
 * marked when it changed.
 */
export function beforeAfter(
  before: Map<string, Record<string, unknown>>,
  after: Map<string, Record<string, unknown>>,
): string {
  const rows: string[][] = [];
  for (const [stack, b] of before) {
    const a = after.get(stack) ?? {};
    for (const k of Object.keys(b)) {
      const x = cell(b[k]);
      const y = cell(a[k]);
      rows.push([stack, k, x, y, x === y ? "" : "changed"]);
    }
  }
  return renderTable(["stack", "field", "before", "after", ""], rows);
}
