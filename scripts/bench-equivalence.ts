import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cpus, loadavg } from "node:os";

import { network } from "hardhat";

import {
  DifferentialRunner,
  ensureEngineBinary,
  findScenarioFiles,
  missingForScenario,
  runCampaign,
  runScenarioFiles,
  startDevnet,
  type DigestMode,
} from "../src/equivalence";
import { loadSpec } from "../src/spec";

/**
 * `npm run bench:equivalence`: compared steps per second of the differential runner on the
 * embedded chains (target: >= 200 on the 2-core machine, BENCHMARKS.md "Targets"). A compared step is
 * one scenario step run on both stacks, normalized and compared. Writes
 * reports/bench-equivalence.json; BENCHMARKS.md quotes it. The report the previous run
 * wrote is kept in the new one as `baseline` (its rows, date and load), and each row
 * carries the baseline's figure for the same measurement (`baselineStepsPerSecond`), so
 * one run shows the new figures beside the old ones.
 */

interface Row {
  what: string;
  digest: DigestMode;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  baselineStepsPerSecond?: number;
}

interface Report {
  date: string;
  cpus: number;
  loadavg: number[];
  rows: Row[];
  baseline?: Omit<Report, "baseline">;
}

const REPORT = path.resolve(__dirname, "..", "reports", "bench-equivalence.json");

/** The previous run's report, without its own baseline (one level is kept). */
function previousReport(): Omit<Report, "baseline"> | undefined {
  if (!existsSync(REPORT)) return undefined;
  try {
    const { baseline: _older, ...prev } = JSON.parse(readFileSync(REPORT, "utf8")) as Report;
    return Array.isArray(prev.rows) ? prev : undefined;
  } catch {
    return undefined;
  }
}

const STEPS = Number(process.env.BENCH_STEPS ?? 2000);

async function main(): Promise<void> {
  ensureEngineBinary((l) => console.log(l));
  const spec = loadSpec();
  const net = await startDevnet({ evmProvider: network.provider });
  const baseline = previousReport();
  const rows: Row[] = [];
  try {
    for (const digest of ["none", "touched"] as DigestMode[]) {
      const runner = new DifferentialRunner({ spec, evm: net.evm, wasm: net.wasm, digest });
      const t0 = Date.now();
      const res = await runCampaign({
        runner,
        components: ["RateLimiter", "CircuitBreaker"],
        maxSteps: 50,
        seed: 7,
        progressEvery: 1_000_000,
        ...stopAfter(STEPS),
      });
      const seconds = (Date.now() - t0) / 1000;
      rows.push({
        what: "campaign RateLimiter+CircuitBreaker (with invariants)",
        digest,
        steps: res.steps,
        seconds,
        stepsPerSecond: res.steps / seconds,
      });
      await runner.dispose();
    }
    const files = findScenarioFiles().filter((f) => missingForScenario(f, spec).length === 0);
    const runner = new DifferentialRunner({ spec, evm: net.evm, wasm: net.wasm });
    const t0 = Date.now();
    const results = await runScenarioFiles(runner, spec, files);
    const seconds = (Date.now() - t0) / 1000;
    const steps = results.reduce((n, r) => n + r.compared, 0);
    rows.push({
      what: `corpus, ${files.length} files (fresh deployment per file included)`,
      digest: "touched",
      steps,
      seconds,
      stepsPerSecond: steps / seconds,
    });
    await runner.dispose();
  } finally {
    await net.close();
  }
  for (const r of rows) {
    const before = baseline?.rows.find((b) => b.what === r.what && b.digest === r.digest);
    if (before) r.baselineStepsPerSecond = before.stepsPerSecond;
  }
  const report: Report = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    loadavg: loadavg(),
    rows,
    ...(baseline ? { baseline } : {}),
  };
  for (const r of rows)
    console.log(
      `${r.what} [digest ${r.digest}]: ${r.steps} steps in ${r.seconds.toFixed(1)} s = ${r.stepsPerSecond.toFixed(1)} compared steps/s` +
        (r.baselineStepsPerSecond === undefined
          ? ""
          : ` (baseline ${r.baselineStepsPerSecond.toFixed(1)}, ${baseline?.date ?? "?"})`),
    );
  console.log(
    `load average during the run: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  mkdirSync(path.dirname(REPORT), { recursive: true });
  writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
}

/** Ends a campaign after about `n` steps (fast-check's interruptAfterTimeLimit needs time; steps are counted instead). */
function stopAfter(n: number) {
  return { runs: Math.max(1, Math.ceil(n / 25)) };
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
