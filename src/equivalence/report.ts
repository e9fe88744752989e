import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import type { ArtifactSet } from "../release/artifacts";
import type { CampaignResult } from "./campaign";
import type { ScenarioResult } from "./runner";
import type { DeployedComponent } from "./stacks";

/** The equivalence report (issue 4 §10): JSON for machines, Markdown for people. */
export interface EquivalenceReport {
  generatedAt: string;
  verdict: "EQUIVALENT" | "DIVERGENT" | "INCOMPLETE";
  /** Artifacts compared: EVM runtime bytecode keccak-256, CosmWasm wasm sha256, per component. */
  artifacts: Record<
    string,
    { evm?: { contract: string; bytecodeKeccak256: string }; wasm?: { file: string; sha256: string } }
  >;
  scenarios: {
    name: string;
    file?: string;
    verdict: ScenarioResult["verdict"];
    steps: number;
    error?: string;
    divergence?: { stepIndex: number; diff: string };
    expectationFailures: string[];
  }[];
  campaigns: {
    seed: number;
    runs: number;
    steps: number;
    durationMs: number;
    invariants: string[];
    failure?: { kind: string; message: string; file?: string; steps: number; numShrinks: number };
  }[];
  totals: { scenarios: number; passed: number; steps: number; campaignSteps: number; stepsPerSecond?: number };
  /** component → transition or outcome → count, over scenarios and campaigns. */
  coverage: Record<string, Record<string, number>>;
  /** The whole build the run used (src/release/artifacts.ts): the release gate compares it
   *  with the artifacts being released, so a report of another build is refused. */
  artifactSet?: ArtifactSet;
}

function addArtifacts(report: EquivalenceReport, evm: DeployedComponent[], wasm: DeployedComponent[]): void {
  for (const d of evm)
    (report.artifacts[d.component] ??= {}).evm = { contract: d.artifact, bytecodeKeccak256: d.artifactHash };
  for (const d of wasm) (report.artifacts[d.component] ??= {}).wasm = { file: d.artifact, sha256: d.artifactHash };
}

function addCoverage(into: Record<string, Record<string, number>>, from: Record<string, Record<string, number>>): void {
  for (const [c, m] of Object.entries(from)) {
    const t = (into[c] ??= {});
    for (const [k, n] of Object.entries(m)) t[k] = (t[k] ?? 0) + n;
  }
}

export function buildReport(
  scenarios: ScenarioResult[],
  campaigns: CampaignResult[],
  elapsedMs?: number,
): EquivalenceReport {
  const report: EquivalenceReport = {
    generatedAt: new Date().toISOString(),
    verdict: "EQUIVALENT",
    artifacts: {},
    scenarios: [],
    campaigns: [],
    totals: { scenarios: scenarios.length, passed: 0, steps: 0, campaignSteps: 0 },
    coverage: {},
  };
  for (const r of scenarios) {
    addArtifacts(report, r.deployed.evm, r.deployed.wasm);
    addCoverage(report.coverage, r.coverage);
    report.totals.steps += r.compared;
    if (r.verdict === "passed") report.totals.passed += 1;
    report.scenarios.push({
      name: r.name,
      file: r.file,
      verdict: r.verdict,
      steps: r.compared,
      error: r.error,
      divergence: r.divergence && { stepIndex: r.divergence.stepIndex, diff: r.divergence.diff },
      expectationFailures: r.expectationFailures.map((e) => `step ${e.stepIndex}: ${e.message}`),
    });
  }
  for (const c of campaigns) {
    addCoverage(report.coverage, c.coverage);
    report.totals.campaignSteps += c.steps;
    report.campaigns.push({
      seed: c.seed,
      runs: c.runs,
      steps: c.steps,
      durationMs: c.durationMs,
      invariants: c.invariants,
      failure: c.failure && {
        kind: c.failure.kind,
        message: c.failure.message,
        file: c.failure.file,
        steps: c.failure.scenario.steps.length,
        numShrinks: c.failure.numShrinks,
      },
    });
  }
  if (elapsedMs !== undefined && elapsedMs > 0) {
    report.totals.stepsPerSecond =
      Math.round(((report.totals.steps + report.totals.campaignSteps) / elapsedMs) * 1000 * 10) / 10;
  }
  const diverged =
    scenarios.some((r) => r.verdict === "diverged") || campaigns.some((c) => c.failure?.kind === "divergence");
  const failed = scenarios.some((r) => r.verdict !== "passed") || campaigns.some((c) => c.failure);
  report.verdict = diverged ? "DIVERGENT" : failed ? "INCOMPLETE" : "EQUIVALENT";
  return report;
}

export function reportMarkdown(r: EquivalenceReport): string {
  const lines: string[] = [];
  lines.push(`# Equivalence report`, "", `**Verdict: ${r.verdict}** — generated ${r.generatedAt}`, "");
  lines.push(
    `${r.totals.passed}/${r.totals.scenarios} scenarios passed, ${r.totals.steps} scenario steps and ${r.totals.campaignSteps} campaign steps compared on both stacks` +
      (r.totals.stepsPerSecond !== undefined ? ` (${r.totals.stepsPerSecond} compared steps/s)` : "") +
      ".",
    "",
  );
  lines.push(
    "## Artifacts compared",
    "",
    "| component | EVM contract | EVM runtime bytecode keccak-256 | CosmWasm artifact | wasm sha256 |",
    "|---|---|---|---|---|",
  );
  for (const [c, a] of Object.entries(r.artifacts).sort()) {
    lines.push(
      `| ${c} | ${a.evm?.contract ?? "—"} | \`${a.evm?.bytecodeKeccak256 ?? "—"}\` | ${a.wasm?.file ?? "—"} | \`${a.wasm?.sha256 ?? "—"}\` |`,
    );
  }
  lines.push("", "## Scenarios", "", "| scenario | verdict | steps | detail |", "|---|---|---:|---|");
  for (const s of r.scenarios) {
    const detail =
      s.error ?? (s.divergence ? `diverged at step ${s.divergence.stepIndex}` : (s.expectationFailures[0] ?? ""));
    lines.push(`| ${s.name} | ${s.verdict} | ${s.steps} | ${detail.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`);
  }
  for (const s of r.scenarios.filter((x) => x.divergence)) {
    lines.push(
      "",
      `### Divergence in ${s.name}, step ${s.divergence?.stepIndex}`,
      "",
      "```",
      s.divergence?.diff ?? "",
      "```",
    );
  }
  if (r.campaigns.length > 0) {
    lines.push("", "## Property campaigns", "", "| seed | runs | steps | time | result |", "|---:|---:|---:|---:|---|");
    for (const c of r.campaigns) {
      const res = c.failure
        ? `${c.failure.kind}, shrunk to ${c.failure.steps} steps${c.failure.file ? ` (${c.failure.file})` : ""}`
        : "no divergence, invariants held";
      lines.push(`| ${c.seed} | ${c.runs} | ${c.steps} | ${(c.durationMs / 1000).toFixed(1)} s | ${res} |`);
    }
    lines.push(
      "",
      "Invariants checked after every step on both stacks:",
      "",
      ...[...new Set(r.campaigns.flatMap((c) => c.invariants))].map((i) => `- ${i}`),
    );
  }
  lines.push("", "## Transitions and outcomes covered", "");
  for (const [c, m] of Object.entries(r.coverage).sort()) {
    lines.push(`### ${c}`, "", "| transition / outcome | count |", "|---|---:|");
    for (const [k, n] of Object.entries(m).sort()) lines.push(`| ${k} | ${n} |`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

/** Writes `equivalence.json` and `equivalence.md` under `dir`; returns their paths. */
export function writeReport(r: EquivalenceReport, dir: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, "equivalence.json");
  const md = path.join(dir, "equivalence.md");
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, reportMarkdown(r));
  return { json, md };
}
