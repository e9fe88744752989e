import { stableJson } from "./canon";

/** `path = value` lines of a JSON value (leaves only), for a line diff. */
function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) out.set(prefix || "(root)", Array.isArray(value) ? "[]" : "{}");
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix || "(root)", stableJson(value));
}

/**
 * A readable diff of two values: one line per leaf that differs,
 * `path: evm <value> | wasm <value>` (a missing side prints as `—`).
 */
export function readableDiff(a: unknown, b: unknown, labels: [string, string] = ["evm", "wasm"]): string {
  const fa = new Map<string, string>();
  const fb = new Map<string, string>();
  flatten(a, "", fa);
  flatten(b, "", fb);
  const keys = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  const lines: string[] = [];
  for (const k of keys) {
    const va = fa.get(k);
    const vb = fb.get(k);
    if (va !== vb) lines.push(`  ${k}: ${labels[0]} ${va ?? "—"} | ${labels[1]} ${vb ?? "—"}`);
  }
  return lines.join("\n");
}
