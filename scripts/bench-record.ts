/**
 * `npm run bench:record` (also the last step of `npm run bench` and `npm run
 * bench:equivalence`): rewrites the marked sections of BENCHMARKS.md
 * (`<!-- bench:<name>:start -->` … `<!-- bench:<name>:end -->`) from the reports of the
 * last runs, each figure beside the earlier public implementation's (bench/reference.json),
 * the previous measurement (bench/baseline.json, with its date) and the target with its
 * verdict. A section whose report is missing is left exactly as it was. Text outside the
 * markers is never touched.
 *
 * Reports read (all under reports/, none committed): bench-evm.json (scripts/bench.ts),
 * bench-wasm.json (scripts/bench-wasm.sh), bench-equivalence.json
 * (scripts/bench-equivalence.ts), test-times.json (scripts/test.sh), install-times.json
 * (scripts/install.sh).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";

export interface GasRowRef {
  component: string;
  operation: string;
  scenario: string;
}
interface EvmRow extends GasRowRef {
  gasUsed: number;
}
interface WasmRow extends GasRowRef {
  sdkGas: number;
  vmGas?: number;
}
interface EquivalenceRow {
  what: string;
  digest: string;
  steps: number;
  stepsPerSecond: number;
}
interface Machine {
  nproc?: number;
  cpu?: string;
  loadavg?: number[];
}
interface StageTime {
  key: string;
  name?: string;
  seconds: number;
  ok?: boolean;
  group?: string;
}
export interface Reports {
  evm?: { generatedAt: string; rows: EvmRow[] };
  wasm?: { generatedAt: string; rows: WasmRow[] };
  equivalence?: { date: string; cpus?: number; loadavg?: number[]; rows: EquivalenceRow[] };
  testTimes?: {
    date: string;
    machine?: Machine & { loadavgStart?: number[]; loadavgEnd?: number[] };
    sideBySide?: boolean;
    totalSeconds: number;
    passed?: boolean;
    stages: StageTime[];
  };
  install?: { date: string; seconds: number; cold: boolean; steps?: { name: string; seconds: number }[] };
}
export interface Baseline {
  evm: { date: string; rows: EvmRow[] };
  wasm: { date: string; rows: WasmRow[] };
  equivalence: { date: string; machine?: Machine; rows: EquivalenceRow[] };
  testTimes: { date: string; source?: string; totalSeconds: number; stages: StageTime[] };
  install: { cold?: { date: string; seconds: number; source?: string }; warm?: { date: string; seconds: number } };
}
interface Target {
  id: string;
  what: string;
  source: "evm" | "wasm" | "equivalence" | "testTimes" | "install";
  component?: string;
  operation?: string;
  scenario?: string;
  kind?: string;
  digest?: string;
  max?: number;
  min?: number;
  unit: string;
}
export interface Reference {
  earlier: (GasRowRef & { stack: string; gas: number; what: string })[];
  targets: Target[];
}

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || Number.isNaN(n)
    ? "—"
    : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const rowKey = (r: GasRowRef) => `${r.component}|${r.operation}|${r.scenario}`;
const day = (iso: string) => iso.slice(0, 16).replace("T", " ") + (iso.length > 10 ? " UTC" : "");

/** "met" or "missed by X <unit>" for an upper (`max`) or lower (`min`) bound. */
export function verdict(
  value: number | undefined,
  t: { max?: number; min?: number; unit: string },
  digits = 0,
): string {
  if (value === undefined) return "not measured";
  if (t.max !== undefined && value > t.max) return `missed by ${fmt(value - t.max, digits)} ${t.unit}`;
  if (t.min !== undefined && value < t.min) return `missed by ${fmt(t.min - value, digits)} ${t.unit}`;
  return "met";
}

function change(prev: number | undefined, now: number | undefined, digits = 0): string {
  if (prev === undefined || now === undefined) return "";
  const d = now - prev;
  if (d === 0) return "±0";
  const sign = d > 0 ? "+" : "−";
  const pct = prev === 0 ? "" : ` (${sign}${Math.abs((d / prev) * 100).toFixed(1)}%)`;
  return `${sign}${fmt(Math.abs(d), digits)}${pct}`;
}

/**
 * Replaces the body between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`
 * (markers kept). `found` is false, and the text unchanged, when either marker is missing.
 */
export function replaceSection(md: string, name: string, body: string): { md: string; found: boolean } {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const i = md.indexOf(start);
  const j = md.indexOf(end, i + start.length);
  if (i < 0 || j < 0) return { md, found: false };
  return { md: `${md.slice(0, i + start.length)}\n${body.trim()}\n${md.slice(j)}`, found: true };
}

function machineLine(m: Machine | undefined, when: string): string {
  if (!m) return `machine not recorded by the report; ${when}`;
  const load = m.loadavg ? `, load average ${m.loadavg.map((x) => x.toFixed(2)).join(" / ")}` : "";
  return `\`nproc\` ${m.nproc ?? "?"}, ${m.cpu ?? "CPU not recorded"}${load}`;
}

/** The machine the writer runs on (bench reports of gas carry none: gas does not depend on it). */
export function thisMachine(): Machine {
  return { nproc: cpus().length, cpu: cpus()[0]?.model ?? "unknown", loadavg: loadavg() };
}

/** `right`: the first right-aligned (numeric) column, and optionally the first one after them. */
function table(head: string[], rows: string[][], rightFrom: number, rightTo = head.length): string {
  const align = head.map((_, i) => (i >= rightFrom && i < rightTo ? "---:" : "---"));
  return [head, align, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

function findTarget(ref: Reference, r: GasRowRef, source: string): Target | undefined {
  return ref.targets.find((t) => t.source === source && t.component && rowKey(t as GasRowRef) === rowKey(r));
}

export function evmSection(rep: NonNullable<Reports["evm"]>, base: Baseline, ref: Reference, m: Machine): string {
  const prev = new Map(base.evm.rows.map((r) => [rowKey(r), r.gasUsed]));
  const earlier = new Map(ref.earlier.filter((e) => e.stack === "evm").map((e) => [rowKey(e), e]));
  const rows = rep.rows.map((r) => {
    const e = earlier.get(rowKey(r));
    const t = findTarget(ref, r, "evm");
    return [
      r.component,
      `\`${r.operation}\``,
      r.scenario,
      e ? `${fmt(e.gas)}${e.what.includes("300") ? " (300 expired entries)" : ""}` : "",
      fmt(prev.get(rowKey(r))),
      `**${fmt(r.gasUsed)}**`,
      change(prev.get(rowKey(r)), r.gasUsed),
      t ? `≤ ${fmt(t.max)}: ${verdict(r.gasUsed, t)}` : "",
    ];
  });
  return [
    "### EVM gas per operation (`npm run bench:evm`, receipt `gasUsed`)",
    "",
    `New: ${day(rep.generatedAt)} (${machineLine(m, "")}; gas does not depend on the machine). ` +
      `Previous: ${day(base.evm.date)}. Earlier implementation: the public one this project replaces.`,
    "",
    table(["component", "operation", "scenario", "earlier impl.", "previous", "new", "change", "target"], rows, 3),
  ].join("\n");
}

export function wasmSection(rep: NonNullable<Reports["wasm"]>, base: Baseline, ref: Reference, m: Machine): string {
  const prev = new Map(base.wasm.rows.map((r) => [rowKey(r), r.sdkGas]));
  const rows = rep.rows.map((r) => {
    const t = findTarget(ref, r, "wasm");
    return [
      r.component,
      `\`${r.operation}\``,
      r.scenario,
      fmt(prev.get(rowKey(r))),
      `**${fmt(r.sdkGas)}**`,
      change(prev.get(rowKey(r)), r.sdkGas),
      fmt(r.vmGas),
      t ? `≤ ${fmt(t.max)}: ${verdict(r.sdkGas, t)}` : "",
    ];
  });
  return [
    "### CosmWasm SDK gas per operation (`npm run bench:wasm`, embedded engine)",
    "",
    `New: ${day(rep.generatedAt)} (${machineLine(m, "")}). Previous: ${day(base.wasm.date)}. ` +
      "SDK gas is what wasmd charges the contract part of a transaction; VM gas is metered inside the VM.",
    "",
    table(
      ["component", "operation", "scenario", "previous SDK gas", "new SDK gas", "change", "new VM gas", "target"],
      rows,
      3,
      7,
    ),
  ].join("\n");
}

const eqKind = (r: EquivalenceRow) => (r.what.startsWith("corpus") ? "corpus" : "campaign");
const eqKey = (r: EquivalenceRow) => `${eqKind(r)}|${r.digest}`;

function eqTarget(ref: Reference, r: EquivalenceRow): Target | undefined {
  return ref.targets.find(
    (t) => t.source === "equivalence" && t.kind === eqKind(r) && (t.digest === undefined || t.digest === r.digest),
  );
}

export function equivalenceSection(rep: NonNullable<Reports["equivalence"]>, base: Baseline, ref: Reference): string {
  const prev = new Map(base.equivalence.rows.map((r) => [eqKey(r), r.stepsPerSecond]));
  const rows = rep.rows.map((r) => {
    const t = eqTarget(ref, r);
    return [
      r.what,
      r.digest,
      fmt(r.steps),
      fmt(prev.get(eqKey(r)), 1),
      `**${fmt(r.stepsPerSecond, 1)}**`,
      t ? `≥ ${fmt(t.min)}: ${verdict(r.stepsPerSecond, t, 1)}` : "",
    ];
  });
  const m: Machine = { nproc: rep.cpus, loadavg: rep.loadavg, cpu: thisMachine().cpu };
  return [
    "### Differential runner (`npm run bench:equivalence`, compared steps/s)",
    "",
    `New: ${day(rep.date)} (${machineLine(m, "")}). ` +
      `Previous: ${day(base.equivalence.date)} (${machineLine(base.equivalence.machine, "")}). ` +
      "Rates depend on the machine and its load: the load average is the one at the end of the run.",
    "",
    table(["run", "digest", "steps", "previous steps/s", "new steps/s", "target"], rows, 2, 5),
  ].join("\n");
}

export function testTimesSection(
  times: Reports["testTimes"],
  install: Reports["install"],
  base: Baseline,
  ref: Reference,
): string {
  const out: string[] = ["### Build and test time (`npm test` warm, `bash scripts/install.sh`)", ""];
  if (times) {
    const prev = new Map(base.testTimes.stages.map((s) => [s.key, s.seconds]));
    const keys = [...new Set([...base.testTimes.stages.map((s) => s.key), ...times.stages.map((s) => s.key)])];
    const now = new Map(times.stages.map((s) => [s.key, s]));
    const rows = keys.map((k) => {
      const s = now.get(k);
      const name = s?.name ?? k;
      return [
        `${name}${s?.group ? ` (side by side: ${s.group})` : ""}${s && s.ok === false ? " **FAILED**" : ""}`,
        fmt(prev.get(k)),
        s ? `**${fmt(s.seconds)}**` : "—",
      ];
    });
    const t = ref.targets.find((x) => x.source === "testTimes");
    rows.push([
      "**total (wall clock)**",
      fmt(base.testTimes.totalSeconds),
      `**${fmt(times.totalSeconds)}**${t ? ` — target ≤ ${fmt(t.max)} s: ${verdict(times.totalSeconds, t)}` : ""}`,
    ]);
    const mm = times.machine;
    out.push(
      `New: ${day(times.date)}, ${times.sideBySide ? "stages of a group side by side (their seconds overlap)" : "one stage at a time"}` +
        `${times.passed === false ? ", **a stage failed**" : ""}; ` +
        `${machineLine(mm && { ...mm, loadavg: mm.loadavgEnd }, "")} (at the end; ${mm?.loadavgStart ? `${mm.loadavgStart.map((x) => x.toFixed(2)).join(" / ")} at the start` : "start not recorded"}). ` +
        `Previous: ${base.testTimes.date}${base.testTimes.source ? `, ${base.testTimes.source}` : ""}.`,
      "",
      table(["stage", "previous s", "new s"], rows, 1),
      "",
    );
  } else {
    out.push("No `npm test` timing recorded yet (reports/test-times.json is written by `npm test`).", "");
  }
  const it = ref.targets.find((x) => x.source === "install");
  const rows: string[][] = [];
  const cold = install?.cold ? install : undefined;
  const warm = install && !install.cold ? install : undefined;
  const coldSeconds = cold?.seconds ?? base.install.cold?.seconds;
  rows.push([
    "cold (fresh machine)",
    base.install.cold ? `${fmt(base.install.cold.seconds)} (${base.install.cold.date})` : "—",
    cold ? `**${fmt(cold.seconds)}** (${day(cold.date)})` : "not measured again",
    it ? `≤ ${fmt(it.max)} s: ${verdict(coldSeconds, it)}${cold ? "" : " (previous figure)"}` : "",
  ]);
  rows.push([
    "warm (everything installed)",
    base.install.warm ? `${fmt(base.install.warm.seconds)} (${base.install.warm.date})` : "—",
    warm ? `**${fmt(warm.seconds)}** (${day(warm.date)})` : "not measured",
    "",
  ]);
  out.push(table(["install", "previous s", "new s", "target"], rows, 1, 3));
  const steps = install?.steps;
  if (install && steps && steps.length > 0) {
    out.push("", `Steps of the last install run: ${steps.map((s) => `${s.name} ${fmt(s.seconds)} s`).join(", ")}.`);
  }
  return out.join("\n");
}

function rowValue(t: Target, r: Reports): number | undefined {
  switch (t.source) {
    case "evm":
      return r.evm?.rows.find((x) => rowKey(x) === rowKey(t as GasRowRef))?.gasUsed;
    case "wasm":
      return r.wasm?.rows.find((x) => rowKey(x) === rowKey(t as GasRowRef))?.sdkGas;
    case "equivalence": {
      const rows = r.equivalence?.rows.filter((x) => eqTarget({ earlier: [], targets: [t] }, x)) ?? [];
      return rows.length ? Math.max(...rows.map((x) => x.stepsPerSecond)) : undefined;
    }
    case "testTimes":
      return r.testTimes?.totalSeconds;
    case "install":
      return r.install?.cold ? r.install.seconds : undefined;
  }
}

function baseValue(t: Target, b: Baseline): number | undefined {
  switch (t.source) {
    case "evm":
      return b.evm.rows.find((x) => rowKey(x) === rowKey(t as GasRowRef))?.gasUsed;
    case "wasm":
      return b.wasm.rows.find((x) => rowKey(x) === rowKey(t as GasRowRef))?.sdkGas;
    case "equivalence": {
      const rows = b.equivalence.rows.filter((x) => eqTarget({ earlier: [], targets: [t] }, x));
      return rows.length ? Math.max(...rows.map((x) => x.stepsPerSecond)) : undefined;
    }
    case "testTimes":
      return b.testTimes.totalSeconds;
    case "install":
      return b.install.cold?.seconds;
  }
}

/** One row per target; a target whose report is missing says "not measured" (the section is written whenever any report exists). */
export function targetsSection(r: Reports, b: Baseline, ref: Reference): string {
  const rows = ref.targets.map((t) => {
    const digits = t.source === "equivalence" ? 1 : 0;
    const e = t.component ? ref.earlier.find((x) => rowKey(x) === rowKey(t as GasRowRef)) : undefined;
    const now = rowValue(t, r);
    const prev = baseValue(t, b);
    // A cold install is rarely measured again: its previous figure still decides the target.
    const carried = now === undefined && t.source === "install" && prev !== undefined;
    return [
      t.what,
      `${t.max !== undefined ? "≤" : "≥"} ${fmt(t.max ?? t.min)} ${t.unit}`,
      e ? fmt(e.gas) : "",
      fmt(prev, digits),
      now === undefined ? "not measured in these reports" : `**${fmt(now, digits)}**`,
      carried ? `${verdict(prev, t, digits)} (previous figure)` : verdict(now, t, digits),
    ];
  });
  return [
    "### Targets of the performance issue",
    "",
    "Written from the reports by `npm run bench:record`; the sections below give dates and machines.",
    "",
    table(["target", "bound", "earlier impl.", "previous", "new", "verdict"], rows, 2, 5),
  ].join("\n");
}

export interface RecordResult {
  md: string;
  messages: string[];
}

/** The whole rewrite, pure: BENCHMARKS.md text in, new text and what was done out. */
export function record(md: string, r: Reports, b: Baseline, ref: Reference, m: Machine): RecordResult {
  const messages: string[] = [];
  const put = (name: string, body: string | undefined, missing: string) => {
    if (body === undefined) {
      messages.push(`${missing}: section bench:${name} left as it was`);
      return;
    }
    const res = replaceSection(md, name, body);
    if (!res.found) {
      messages.push(`BENCHMARKS.md has no <!-- bench:${name}:start/end --> markers: section not written`);
      return;
    }
    md = res.md;
    messages.push(`section bench:${name} written`);
  };
  const any = r.evm || r.wasm || r.equivalence || r.testTimes || r.install;
  put("targets", any ? targetsSection(r, b, ref) : undefined, "no report at all");
  put("evm", r.evm && evmSection(r.evm, b, ref, m), "reports/bench-evm.json not found (npm run bench:evm)");
  put("wasm", r.wasm && wasmSection(r.wasm, b, ref, m), "reports/bench-wasm.json not found (npm run bench:wasm)");
  put(
    "equivalence",
    r.equivalence && equivalenceSection(r.equivalence, b, ref),
    "reports/bench-equivalence.json not found (npm run bench:equivalence)",
  );
  put(
    "test-times",
    r.testTimes || r.install ? testTimesSection(r.testTimes, r.install, b, ref) : undefined,
    "reports/test-times.json and reports/install-times.json not found (npm test, bash scripts/install.sh)",
  );
  return { md, messages };
}

function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

export function readReports(dir: string): Reports {
  return {
    evm: readJson(path.join(dir, "bench-evm.json")),
    wasm: readJson(path.join(dir, "bench-wasm.json")),
    equivalence: readJson(path.join(dir, "bench-equivalence.json")),
    testTimes: readJson(path.join(dir, "test-times.json")),
    install: readJson(path.join(dir, "install-times.json")),
  };
}

function main(): void {
  const root = path.resolve(__dirname, "..");
  const file = path.resolve(root, process.env.VAGUS_BENCHMARKS_MD ?? "BENCHMARKS.md");
  const reports = readReports(path.resolve(root, process.env.VAGUS_REPORTS_DIR ?? "reports"));
  const baseline = readJson<Baseline>(path.join(root, "bench", "baseline.json"));
  const reference = readJson<Reference>(path.join(root, "bench", "reference.json"));
  if (!baseline || !reference) throw new Error("bench/baseline.json or bench/reference.json is missing");
  const before = readFileSync(file, "utf8");
  const { md, messages } = record(before, reports, baseline, reference, thisMachine());
  for (const msg of messages) console.log(`bench:record: ${msg}`);
  if (md !== before) {
    writeFileSync(`${file}.tmp`, md);
    renameSync(`${file}.tmp`, file);
    console.log(`bench:record: wrote ${path.relative(process.cwd(), file)}`);
  } else {
    console.log(`bench:record: ${path.relative(process.cwd(), file)} unchanged`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(`bench:record: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
