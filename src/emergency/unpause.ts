import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { ToolError } from "../cli/errors";
import { REPO_ROOT, type DeployConfig } from "../deployment/config";
import type { SyncFile } from "../deployment/sync";
import { executeProposal, proposeOperations, type GovOperation } from "../governance";
import { runProcedure } from "../procedure/runner";
import type { Step, StepData } from "../procedure/steps";
import { emergencyJournal, renderTable, type PauseRow } from "./pause";
import { E, isPaused, kebab, resolveComponents, type Side, type Stack } from "./targets";

/**
 * Staged restoration after an emergency pause (docs/runbook.md, "Lift the pause in
 * stages"): a plan file of stages, each a set of components, unpaused in order. Unpause is
 * ADMIN's, which the timelock holds, so each stage is one governance proposal on both
 * timelocks (src/governance: propose, wait for the delay, execute), then read back from the
 * chains; the next stage starts only when every component of this one is unpaused on
 * every stack. A component already unpaused is left out of its stage's proposal, so a run
 * that died resumes where it stopped (the procedure's journal keeps the proposal ids).
 */

export const DEFAULT_UNPAUSE_PLAN = path.join(REPO_ROOT, "deploy", "unpause-plan.json");

export interface UnpauseStage {
  name: string;
  /** Spec names, in the pause order. */
  components: string[];
}

/** Reads and checks a plan file: known components, each in at most one stage. */
export function loadUnpausePlan(file: string): UnpauseStage[] {
  if (!existsSync(file)) throw new ToolError(E.BAD_PLAN, `no plan file ${file}`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ToolError(E.BAD_PLAN, `${file} is not JSON: ${(err as Error).message}`);
  }
  const stages = (data as { stages?: unknown }).stages;
  if (!Array.isArray(stages) || stages.length === 0)
    throw new ToolError(E.BAD_PLAN, `${file}: "stages" must be a non-empty array`, {
      hint: `see ${path.relative(process.cwd(), DEFAULT_UNPAUSE_PLAN)}`,
    });
  const seen = new Map<string, string>();
  return stages.map((s: unknown, i): UnpauseStage => {
    const st = s as { name?: unknown; components?: unknown };
    const name = typeof st.name === "string" && /^[a-z0-9][a-z0-9+_-]*$/i.test(st.name) ? st.name : undefined;
    if (!name) throw new ToolError(E.BAD_PLAN, `${file}: stage ${i + 1} needs a "name" (letters, digits, + _ -)`);
    if (!Array.isArray(st.components) || st.components.length === 0 || st.components.some((c) => typeof c !== "string"))
      throw new ToolError(E.BAD_PLAN, `${file}: stage ${name} needs "components", a non-empty list of names`);
    let components: string[];
    try {
      components = resolveComponents(st.components as string[]);
    } catch (err) {
      throw new ToolError(E.BAD_PLAN, `${file}: stage ${name}: ${(err as Error).message}`);
    }
    for (const c of components) {
      const other = seen.get(c);
      if (other) throw new ToolError(E.BAD_PLAN, `${file}: ${kebab(c)} is in stages ${other} and ${name}`);
      seen.set(c, name);
    }
    return { name, components };
  });
}

export interface StageTiming {
  stage: string;
  components: string[];
  /** Milliseconds: proposing on both timelocks, waiting for the delay and executing, reading back. */
  proposeMs: number;
  executeMs: number;
  verifyMs: number;
  skipped: boolean;
}

export interface UnpauseResult {
  timings: StageTiming[];
  rows: PauseRow[];
  ms: number;
}

/** Which stacks still have `component` paused. */
async function pausedOn(sides: Side[], sync: SyncFile, component: string): Promise<Stack[]> {
  const out: Stack[] = [];
  for (const s of sides) if (await isPaused(s, sync, component)) out.push(s.stack);
  return out;
}

/**
 * Runs the stages in order; `sides` are read-only uses of the chains (the proposals are
 * sent by the governance library with the proposer's key, `env`).
 */
export async function runStagedUnpause(
  hre: HardhatRuntimeEnvironment,
  cfg: DeployConfig,
  sides: Side[],
  sync: SyncFile,
  stages: UnpauseStage[],
  opts: { env: NodeJS.ProcessEnv; dryRun?: boolean; log?: (line: string) => void },
): Promise<UnpauseResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const t0 = Date.now();
  const stacks = sides.map((s) => s.stack);
  const proposals = new Map<string, string[]>();
  const timings = new Map<string, StageTiming>();
  const timing = (stage: UnpauseStage) => {
    let t = timings.get(stage.name);
    if (!t) {
      t = { stage: stage.name, components: stage.components, proposeMs: 0, executeMs: 0, verifyMs: 0, skipped: true };
      timings.set(stage.name, t);
    }
    return t;
  };

  const steps: Step[] = stages.flatMap((stage): Step[] => {
    const still = async () => {
      const groups = new Map<string, string[]>();
      for (const c of stage.components) {
        const on = await pausedOn(sides, sync, c);
        if (on.length === 0) continue;
        const key = on.join(",");
        groups.set(key, [...(groups.get(key) ?? []), c]);
      }
      return groups;
    };
    const describe = stage.components.map(kebab).join(" + ");
    return [
      {
        id: `unpause:${stage.name}:propose`,
        stack: "local",
        network: `${cfg.evmNetwork}+${cfg.wasm.name}`,
        describe: `stage ${stage.name}: propose unpause of ${describe} on the timelocks`,
        intent: () => Promise.resolve({ stage: stage.name }),
        probeFirst: true,
        probe: async () => ((await still()).size === 0 ? { stage: stage.name, proposals: [] } : undefined),
        run: async () => {
          const t = Date.now();
          const ids: string[] = [];
          // A component paused on one stack only is proposed on that stack alone: unpausing
          // a contract that is not paused reverts (NotPaused), and the proposal with it.
          for (const [on, components] of await still()) {
            const ops: GovOperation[] = components.map((c) => ({
              component: kebab(c),
              operation: "unpause",
              args: {},
            }));
            const rec = await proposeOperations(hre, ops, {
              stacks: on.split(",") as Stack[],
              description: `emergency restoration, stage ${stage.name}: unpause ${components.map(kebab).join(", ")}`,
              env: opts.env,
              log: (l) => log(`    gov: ${l}`),
            });
            ids.push(rec.id);
          }
          const tm = timing(stage);
          tm.proposeMs += Date.now() - t;
          tm.skipped = false;
          return { stage: stage.name, proposals: ids };
        },
      },
      {
        id: `unpause:${stage.name}:execute`,
        stack: "local",
        network: `${cfg.evmNetwork}+${cfg.wasm.name}`,
        describe: `stage ${stage.name}: wait for the timelock delay, execute`,
        intent: () => Promise.resolve({ stage: stage.name, proposals: proposals.get(stage.name) ?? [] }),
        probeFirst: true,
        probe: async () => ((await still()).size === 0 ? { stage: stage.name } : undefined),
        run: async (intent) => {
          const t = Date.now();
          for (const id of (intent.proposals as string[]) ?? [])
            await executeProposal(hre, id, { waitUntilReady: true, env: opts.env, log: (l) => log(`    gov: ${l}`) });
          const tm = timing(stage);
          tm.executeMs += Date.now() - t;
          tm.skipped = false;
          return { stage: stage.name };
        },
      },
      {
        id: `unpause:${stage.name}:verify`,
        stack: "local",
        network: `${cfg.evmNetwork}+${cfg.wasm.name}`,
        describe: `stage ${stage.name}: read back ${describe} unpaused on ${stacks.join(" and ")}`,
        intent: () => Promise.resolve({ stage: stage.name }),
        probe: () => Promise.resolve(undefined),
        run: async () => {
          const t = Date.now();
          const bad: string[] = [];
          for (const c of stage.components)
            for (const s of await pausedOn(sides, sync, c)) bad.push(`${s} ${kebab(c)}`);
          timing(stage).verifyMs += Date.now() - t;
          if (bad.length > 0) {
            throw new ToolError(
              E.STAGE_NOT_UNPAUSED,
              `stage ${stage.name}: still paused after execution: ${bad.join(", ")}`,
              {
                hint: "check the proposal (vagus:gov status); the later stages were not started",
                nothingSent: false,
              },
            );
          }
          return { stage: stage.name, unpaused: stage.components };
        },
      },
    ];
  });

  await runProcedure({
    procedure: "emergency-unpause",
    journal: emergencyJournal(cfg),
    steps,
    newRun: () => `emergency-unpause-${new Date().toISOString()}`,
    begin: { stacks, stages: stages.map((s) => ({ name: s.name, components: s.components })) },
    dryRun: opts.dryRun,
    log,
    apply: (d: StepData) => {
      if (typeof d.stage === "string" && Array.isArray(d.proposals)) proposals.set(d.stage, d.proposals as string[]);
    },
    passThrough: (err) => err instanceof ToolError && err.code === E.STAGE_NOT_UNPAUSED,
  });
  const rows: PauseRow[] = [];
  for (const c of stages.flatMap((s) => s.components)) {
    const row: PauseRow = { component: c };
    for (const s of sides) row[s.stack] = !(await isPaused(s, sync, c));
    rows.push(row);
  }
  return { timings: stages.map((s) => timing(s)), rows, ms: Date.now() - t0 };
}

export function renderTimings(timings: StageTiming[]): string {
  const sec = (ms: number) => (ms / 1000).toFixed(2).padStart(8);
  const w = Math.max(5, ...timings.map((t) => t.stage.length));
  const lines = [`${"stage".padEnd(w)}  propose   execute    verify  components`];
  for (const t of timings)
    lines.push(
      `${t.stage.padEnd(w)}  ${t.skipped ? "   (done)" : sec(t.proposeMs)}  ${sec(t.executeMs)}  ${sec(t.verifyMs)}  ${t.components.map(kebab).join(", ")}`,
    );
  return lines.join("\n");
}

export { renderTable };
