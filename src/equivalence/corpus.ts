import { readdirSync, statSync } from "node:fs";
import path from "node:path";

import type { Spec } from "../spec";
import type { DifferentialRunner, ScenarioResult } from "./runner";
import { replayWithInvariants } from "./campaign";
import { loadScenarioFile, ScenarioError } from "./scenario";

/** The repository's scenario corpus and the spec's vectors (component and system). */
export function defaultScenarioDirs(): string[] {
  const root = path.resolve(__dirname, "..", "..");
  return [path.join(root, "scenarios"), path.join(root, "spec", "vectors")];
}

/** Every `.json` scenario under `dirs` (recursively), skipping the non-scenario vector folders (cbor). */
export function findScenarioFiles(dirs: string[] = defaultScenarioDirs()): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const full = path.join(d, n);
      if (statSync(full).isDirectory()) {
        if (n !== "cbor") walk(full);
      } else if (n.endsWith(".json")) out.push(full);
    }
  };
  for (const d of dirs) {
    if (d.endsWith(".json")) out.push(d);
    else walk(d);
  }
  return out;
}

/**
 * Runs scenario files one after the other. A file that does not load (malformed, or
 * naming a component the spec does not have yet) is a result with verdict `error` and the
 * reason — never skipped silently. A scenario a campaign wrote (`origin.campaign`: a shrunk
 * counterexample, a regression scenario kept from one) is replayed once more with that
 * campaign's invariants after every step; a violation fails it.
 */
export async function runScenarioFiles(
  runner: DifferentialRunner,
  spec: Spec,
  files: string[],
  onResult?: (r: ScenarioResult, index: number, total: number) => void,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const [i, file] of files.entries()) {
    let r: ScenarioResult;
    try {
      const s = loadScenarioFile(file, spec);
      r = await runner.run(s);
      if (r.verdict === "passed" && s.origin?.campaign !== undefined) {
        const v = await replayWithInvariants(runner, s);
        if (v) {
          r.verdict = v.kind === "invariant" ? "expectation-failed" : v.kind === "divergence" ? "diverged" : "error";
          r.expectationFailures.push({ stepIndex: v.stepIndex, step: s.steps[v.stepIndex], message: v.message });
        }
      }
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      r = {
        name: path.basename(file, ".json"),
        file,
        verdict: "error",
        stepsRun: 0,
        compared: 0,
        expectationFailures: [],
        error: err.message,
        deployed: { evm: [], wasm: [] },
        coverage: {},
      };
    }
    r.file = path.relative(process.cwd(), file);
    results.push(r);
    onResult?.(r, i, files.length);
  }
  return results;
}

/** One line per result, for progress output. */
export function resultLine(r: ScenarioResult): string {
  const mark = r.verdict === "passed" ? "ok  " : "FAIL";
  let why = "";
  if (r.error) why = ` — ${r.error}`;
  else if (r.divergence) why = ` — diverged at step ${r.divergence.stepIndex}:\n${r.divergence.diff}`;
  else if (r.expectationFailures.length)
    why = ` — ${r.expectationFailures.map((e) => `step ${e.stepIndex}: ${e.message}`).join("; ")}`;
  return `${mark} ${r.name} (${r.compared} steps, ${r.file ?? ""})${why}`;
}
