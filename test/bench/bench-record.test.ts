import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import {
  record,
  replaceSection,
  verdict,
  type Baseline,
  type Reference,
  type Reports,
} from "../../scripts/bench-record";

/** The BENCHMARKS.md writer (`npm run bench:record`) on small fixture reports. */

const ROOT = path.resolve(__dirname, "..", "..");
const MACHINE = { nproc: 2, cpu: "Test CPU", loadavg: [1.5, 1, 0.5] };

const SECTIONS = ["targets", "evm", "wasm", "equivalence", "test-times"];
const MD = [
  "# Benchmarks",
  "",
  "Hand-written intro, kept as it is.",
  "",
  ...SECTIONS.flatMap((s) => [`<!-- bench:${s}:start -->`, `old ${s} body`, `<!-- bench:${s}:end -->`, ""]),
  "## Analysis",
  "",
  "Text after the sections | with a table-like line |",
  "",
].join("\n");

const ISSUE = {
  component: "CapabilityIssuer",
  operation: "issue",
  scenario: "SAFE, steady state (every guard, token minted)",
};
const TONE = { component: "ANSStateManager", operation: "updateTone", scenario: "no transition (steady state)" };
const WISSUE = { component: "CapabilityIssuer", operation: "issue", scenario: "SAFE, steady state" };

const BASE: Baseline = {
  evm: {
    date: "2026-12-04T22:19:43.238Z",
    rows: [
      { ...ISSUE, gasUsed: 194_345 },
      { ...TONE, gasUsed: 41_671 },
    ],
  },
  wasm: { date: "2026-11-27T01:45:48.354Z", rows: [{ ...WISSUE, sdkGas: 460_448, vmGas: 1 }] },
  equivalence: {
    date: "2026-11-27T02:36:00Z",
    rows: [
      { what: "campaign X", digest: "touched", steps: 100, stepsPerSecond: 75.2 },
      { what: "corpus, 49 files", digest: "touched", steps: 100, stepsPerSecond: 43.7 },
    ],
  },
  testTimes: {
    date: "2026-12-05",
    totalSeconds: 900,
    stages: [
      { key: "build", seconds: 151 },
      { key: "lint", seconds: 71 },
    ],
  },
  install: { cold: { date: "2026-12-04", seconds: 572 } },
};

const REF: Reference = {
  earlier: [{ stack: "evm", ...ISSUE, gas: 242_183, what: "issue" }],
  targets: [
    { id: "evm-issue", what: "EVM issue", source: "evm", ...ISSUE, max: 150_000, unit: "gas" },
    { id: "evm-tone", what: "EVM tone", source: "evm", ...TONE, max: 32_000, unit: "gas" },
    { id: "wasm-issue", what: "wasm issue", source: "wasm", ...WISSUE, max: 300_000, unit: "SDK gas" },
    {
      id: "eq",
      what: "campaign",
      source: "equivalence",
      kind: "campaign",
      digest: "touched",
      min: 200,
      unit: "steps/s",
    },
    { id: "npm-test", what: "npm test", source: "testTimes", max: 480, unit: "s" },
    { id: "install", what: "install cold", source: "install", kind: "cold", max: 720, unit: "s" },
  ],
};

const REPORTS: Reports = {
  evm: {
    generatedAt: "2026-12-05T04:00:00.000Z",
    rows: [
      { ...ISSUE, gasUsed: 149_000 },
      { ...TONE, gasUsed: 33_000 },
    ],
  },
  wasm: { generatedAt: "2026-12-05T04:05:00.000Z", rows: [{ ...WISSUE, sdkGas: 280_000, vmGas: 900 }] },
  equivalence: {
    date: "2026-12-05T04:10:00.000Z",
    cpus: 2,
    loadavg: [3, 2, 1],
    rows: [{ what: "campaign X", digest: "touched", steps: 2000, stepsPerSecond: 150.25 }],
  },
  testTimes: {
    date: "2026-12-05T04:20:00.000Z",
    machine: { nproc: 2, cpu: "Test CPU", loadavgStart: [4, 4, 4], loadavgEnd: [5, 5, 5] },
    sideBySide: true,
    totalSeconds: 470,
    passed: true,
    stages: [
      { key: "build", name: "build", seconds: 30, ok: true },
      { key: "lint", name: "lint", seconds: 80, ok: true, group: "lint + ts tests" },
    ],
  },
};

/** The body between one section's markers. */
function body(md: string, name: string): string {
  const start = `<!-- bench:${name}:start -->`;
  return md.slice(md.indexOf(start) + start.length, md.indexOf(`<!-- bench:${name}:end -->`)).trim();
}

/** The text with every section body removed: what the writer must never change. */
function outside(md: string): string {
  return SECTIONS.reduce((m, s) => replaceSection(m, s, "").md, md);
}

describe("bench:record (BENCHMARKS.md writer)", () => {
  it("verdict: met at the bound, missed by the exact excess above a max and the shortfall below a min", () => {
    expect(verdict(150_000, { max: 150_000, unit: "gas" })).to.equal("met");
    expect(verdict(150_001, { max: 150_000, unit: "gas" })).to.equal("missed by 1 gas");
    expect(verdict(194_345, { max: 150_000, unit: "gas" })).to.equal("missed by 44,345 gas");
    expect(verdict(200, { min: 200, unit: "steps/s" })).to.equal("met");
    expect(verdict(150.25, { min: 200, unit: "steps/s" }, 1)).to.equal("missed by 49.8 steps/s");
    expect(verdict(undefined, { max: 1, unit: "s" })).to.equal("not measured");
  });

  it("replaceSection swaps only the body between its own markers and reports absent markers", () => {
    const r = replaceSection(MD, "wasm", "NEW");
    expect(r.found).to.equal(true);
    expect(body(r.md, "wasm")).to.equal("NEW");
    expect(body(r.md, "evm")).to.equal("old evm body");
    const none = replaceSection(MD, "nosuch", "NEW");
    expect(none).to.deep.equal({ md: MD, found: false });
  });

  it("writes every section from the reports and leaves the text outside the markers byte for byte", () => {
    const { md, messages } = record(MD, REPORTS, BASE, REF, MACHINE);
    expect(outside(md)).to.equal(outside(MD));
    for (const s of SECTIONS) expect(body(md, s), s).to.not.contain(`old ${s} body`);
    expect(messages.filter((m) => m.endsWith("written"))).to.have.length(5);

    // EVM: earlier implementation, previous, new and change side by side, target verdicts.
    const issueLine = body(md, "evm")
      .split("\n")
      .find((l) => l.includes(ISSUE.scenario))!;
    expect(issueLine).to.contain("| 242,183 | 194,345 | **149,000** | −45,345 (−23.3%) | ≤ 150,000: met |");
    const toneLine = body(md, "evm")
      .split("\n")
      .find((l) => l.includes(TONE.scenario))!;
    expect(toneLine).to.contain("≤ 32,000: missed by 1,000 gas");
    expect(body(md, "evm")).to.contain("2026-12-05 04:00 UTC").and.contain("Previous: 2026-12-04 22:19 UTC");

    expect(body(md, "wasm")).to.contain("| 460,448 | **280,000** | −180,448 (−39.2%) | 900 | ≤ 300,000: met |");
    expect(body(md, "equivalence")).to.contain("| 75.2 | **150.3** | ≥ 200: missed by 49.8 steps/s |");
    expect(body(md, "equivalence")).to.contain("load average 3.00 / 2.00 / 1.00");

    const tt = body(md, "test-times");
    expect(tt).to.contain("| build | 151 | **30** |");
    expect(tt).to.contain("lint (side by side: lint + ts tests) | 71 | **80** |");
    expect(tt).to.contain("| **total (wall clock)** | 900 | **470** — target ≤ 480 s: met |");
    // No new install report: the cold row keeps the previous figure and says so.
    expect(tt).to.contain(
      "| cold (fresh machine) | 572 (2026-12-04) | not measured again | ≤ 720 s: met (previous figure) |",
    );

    const targets = body(md, "targets");
    expect(targets).to.contain("| EVM issue | ≤ 150,000 gas | 242,183 | 194,345 | **149,000** | met |");
    expect(targets).to.contain("| EVM tone | ≤ 32,000 gas |  | 41,671 | **33,000** | missed by 1,000 gas |");
    expect(targets).to.contain("| campaign | ≥ 200 steps/s |  | 75.2 | **150.3** | missed by 49.8 steps/s |");
    expect(targets).to.contain(
      "| install cold | ≤ 720 s |  | 572 | not measured in these reports | met (previous figure) |",
    );
  });

  it("a missing report leaves its section exactly as it was and says which report is missing", () => {
    const partial: Reports = { evm: REPORTS.evm };
    const { md, messages } = record(MD, partial, BASE, REF, MACHINE);
    expect(body(md, "wasm")).to.equal("old wasm body");
    expect(body(md, "equivalence")).to.equal("old equivalence body");
    expect(body(md, "test-times")).to.equal("old test-times body");
    expect(body(md, "evm")).to.contain("**149,000**");
    expect(messages).to.include(
      "reports/bench-wasm.json not found (npm run bench:wasm): section bench:wasm left as it was",
    );
    expect(messages.some((m) => m.startsWith("reports/bench-equivalence.json not found"))).to.equal(true);
    const nothing = record(MD, {}, BASE, REF, MACHINE);
    expect(nothing.md).to.equal(MD);
  });

  it("a cold install report fills the cold row and decides the install target; a failed stage is flagged", () => {
    const r: Reports = {
      install: { date: "2026-12-05T05:00:00.000Z", seconds: 800, cold: true, steps: [{ name: "npm ci", seconds: 60 }] },
      testTimes: {
        ...REPORTS.testTimes!,
        passed: false,
        stages: [{ key: "lint", name: "lint", seconds: 9, ok: false }],
      },
    };
    const { md } = record(MD, r, BASE, REF, MACHINE);
    const tt = body(md, "test-times");
    expect(tt).to.contain(
      "| cold (fresh machine) | 572 (2026-12-04) | **800** (2026-12-05 05:00 UTC) | ≤ 720 s: missed by 80 s |",
    );
    expect(tt).to.contain("lint **FAILED**");
    expect(tt).to.contain("npm ci 60 s");
    expect(body(md, "targets")).to.contain("| install cold | ≤ 720 s |  | 572 | **800** | missed by 80 s |");
  });

  it("the command rewrites a copy of BENCHMARKS.md from a reports dir and keeps a section without a report", function () {
    this.timeout(60_000);
    const dir = mkdtempSync(path.join(tmpdir(), "bench-record-"));
    try {
      const md = path.join(dir, "BENCHMARKS.md");
      copyFileSync(path.join(ROOT, "BENCHMARKS.md"), md);
      const reports = path.join(dir, "reports");
      mkdirSync(reports);
      writeFileSync(path.join(reports, "bench-evm.json"), JSON.stringify(REPORTS.evm));
      const before = readFileSync(md, "utf8");
      const res = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts", "bench-record.ts")],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, VAGUS_BENCHMARKS_MD: md, VAGUS_REPORTS_DIR: reports } },
      );
      expect(res.status, res.stderr).to.equal(0);
      expect(res.stdout).to.contain("section bench:evm written");
      expect(res.stdout).to.contain("reports/bench-wasm.json not found");
      const after = readFileSync(md, "utf8");
      expect(body(after, "evm")).to.contain("**149,000**");
      expect(body(after, "wasm")).to.equal(body(before, "wasm"));
      expect(outside(after)).to.equal(outside(before));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
