import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { envBool, envList, envString } from "../cli/flags";
import { ToolError } from "../cli/errors";
import { configFromHre } from "../deployment/endpoints";
import type { DeployConfig } from "../deployment/config";
import { Journal } from "../deployment/journal";
import type { SyncFile } from "../deployment/sync";
import { runProcedure, type ProcedureSummary } from "../procedure/runner";
import type { Step } from "../procedure/steps";
import {
  deploymentOf,
  E,
  executorInfo,
  holdsRole,
  isPaused,
  kebab,
  openEvmSide,
  openWasmSide,
  parseExecutorId,
  parseStacks,
  resolveComponents,
  sendAs,
  type Side,
  type Stack,
} from "./targets";

/**
 * `npx hardhat run scripts/emergency-pause.ts --network <net>` (docs/runbook.md, "Emergency
 * pause"): every protocol contract paused on both stacks from the EMERGENCY key, the two
 * stacks in parallel and the issuer first on each; `--executor <id>` pauses one executor
 * on the issuer instead; `--components a,b` narrows it. Everything is checked before the
 * first transaction (components, executor, deployment, keys, the GUARDIAN role); an already
 * paused contract is skipped; the run is journaled and resumes; it ends with a table read
 * back from the chains and fails (14008) when anything is not paused.
 */

export interface PauseOptions {
  stacks: Stack[];
  components: string[];
  /** Pause this executor on the issuer instead of the contracts. */
  executor?: bigint;
  dryRun: boolean;
}

/** The command line (the `hardhat run` flags' variables), validated; nothing is opened yet. */
export function pauseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PauseOptions {
  const executorRaw = envString("VAGUS_EXECUTOR", env);
  const requested = envList("VAGUS_COMPONENTS", env) ?? envList("VAGUS_COMPONENT", env);
  if (executorRaw !== undefined && requested !== undefined) {
    throw new ToolError(E.BAD_FLAGS, "--executor and --components exclude each other", {
      hint: "--executor pauses one executor on the issuer; --components pauses whole contracts",
    });
  }
  return {
    stacks: parseStacks(envList("VAGUS_STACKS", env)),
    components: executorRaw !== undefined ? ["CapabilityIssuer"] : resolveComponents(requested),
    executor: executorRaw !== undefined ? parseExecutorId(executorRaw) : undefined,
    dryRun: envBool("VAGUS_DRY_RUN", env),
  };
}

/** Where the emergency procedures journal (beside the deployment's own journal). */
export function emergencyJournal(cfg: Pick<DeployConfig, "pairDir">): Journal {
  return Journal.open(path.join(cfg.pairDir, "emergency.jsonl"));
}

/** The state a step wants, read back from the chain. */
async function target(side: Side, sync: SyncFile, component: string, executor: bigint | undefined) {
  return executor === undefined ? isPaused(side, sync, component) : (await executorInfo(side, sync, executor)).paused;
}

function pauseSteps(side: Side, sync: SyncFile, opts: PauseOptions, network: string): Step[] {
  return opts.components.map((component): Step => {
    const what = opts.executor === undefined ? component : `executor ${opts.executor} on ${component}`;
    const probe = async () =>
      (await target(side, sync, component, opts.executor)) ? { component, paused: true } : undefined;
    return {
      id: `${side.stack}:${opts.executor === undefined ? "pause" : `pause-executor-${opts.executor}`}:${component}`,
      stack: side.stack,
      network,
      describe: `pause ${what} (${sync[side.stack].contracts[component]})`,
      intent: () => Promise.resolve({ component, from: side.account }),
      probe,
      probeFirst: true,
      run: async (_intent, hooks) => {
        const call =
          opts.executor === undefined
            ? { evm: { fn: "emergencyPause" }, wasm: { emergency_pause: {} } }
            : {
                evm: { fn: "pauseExecutor", args: [opts.executor] },
                wasm: { pause_executor: { executor_id: opts.executor.toString() } },
              };
        const r = await sendAs(side, sync, component, call);
        hooks.sent();
        return { component, ...r };
      },
    };
  });
}

/**
 * Checks that cannot wait for the first transaction: the executor exists (registered on
 * the issuer of each stack), and the key holds GUARDIAN on every target.
 */
async function preflight(sides: Side[], sync: SyncFile, opts: PauseOptions): Promise<void> {
  const problems: string[] = [];
  const unknown: string[] = [];
  for (const side of sides) {
    if (opts.executor !== undefined && !(await executorInfo(side, sync, opts.executor)).registered)
      unknown.push(side.stack);
    for (const c of opts.components)
      if (!(await holdsRole(side, sync, c, "GUARDIAN"))) problems.push(`${side.stack} ${c}`);
  }
  if (unknown.length > 0) {
    throw new ToolError(E.UNKNOWN_EXECUTOR, `executor ${opts.executor} is not registered on ${unknown.join(", ")}`, {
      hint: "check the id (CapabilityIssuer executor query)",
    });
  }
  if (problems.length > 0) {
    const who = sides.map((s) => `${s.stack} ${s.account} (${s.keySource})`).join("; ");
    throw new ToolError(E.NOT_GUARDIAN, `the EMERGENCY key does not hold GUARDIAN on: ${problems.join(", ")}`, {
      hint: `keys used: ${who}; use the guardian's key`,
    });
  }
}

export interface PauseRow {
  component: string;
  evm?: boolean;
  wasm?: boolean;
}

/** The table read back from the chains: one row per component, a column per stack. */
export async function readBack(sides: Side[], sync: SyncFile, opts: PauseOptions): Promise<PauseRow[]> {
  const rows: PauseRow[] = [];
  for (const component of opts.components) {
    const row: PauseRow = { component };
    await Promise.all(sides.map(async (s) => (row[s.stack] = await target(s, sync, component, opts.executor))));
    rows.push(row);
  }
  return rows;
}

export function renderTable(rows: PauseRow[], stacks: Stack[], label = "paused"): string {
  const cell = (v: boolean | undefined) => (v === undefined ? "-" : v ? label : `NOT ${label}`);
  const w = Math.max(9, ...rows.map((r) => kebab(r.component).length));
  const lines = [`${"component".padEnd(w)}  ${stacks.map((s) => s.padEnd(12)).join("  ")}`.trimEnd()];
  for (const r of rows)
    lines.push(`${kebab(r.component).padEnd(w)}  ${stacks.map((s) => cell(r[s]).padEnd(12)).join("  ")}`.trimEnd());
  return lines.join("\n");
}

export interface PauseResult {
  ok: boolean;
  rows: PauseRow[];
  /** Milliseconds from the start of the command to every target read back paused. */
  ms: number;
  perStack: Partial<Record<Stack, ProcedureSummary>>;
}

/** Opens the EMERGENCY side of each stack (keys checked before any chain is touched). */
export async function openSides(
  cfg: DeployConfig,
  hre: HardhatRuntimeEnvironment,
  stacks: Stack[],
  env: NodeJS.ProcessEnv,
): Promise<Side[]> {
  const sides: Side[] = [];
  try {
    for (const s of stacks) {
      const url = "url" in hre.network.config ? hre.network.config.url : undefined;
      sides.push(s === "evm" ? await openEvmSide(cfg, url, env) : await openWasmSide(cfg, env));
    }
  } catch (err) {
    await closeSides(sides);
    throw err;
  }
  return sides;
}

export async function closeSides(sides: Side[]): Promise<void> {
  await Promise.all(sides.map((s) => s.chain.close()));
}

/** The pause itself, on opened sides: preflight, both stacks in parallel, read-back. */
export async function pauseOn(
  cfg: DeployConfig,
  sides: Side[],
  sync: SyncFile,
  opts: PauseOptions,
  t0: number,
  log: (line: string) => void = (l) => console.log(l),
): Promise<PauseResult> {
  await preflight(sides, sync, opts);
  const journal = emergencyJournal(cfg);
  const procedure = (s: Stack) => `emergency-pause:${s}`;
  const perStack: Partial<Record<Stack, ProcedureSummary>> = {};
  await Promise.all(
    sides.map(async (side) => {
      const network = side.stack === "evm" ? cfg.evmNetwork : cfg.wasm.name;
      perStack[side.stack] = await runProcedure({
        procedure: procedure(side.stack),
        journal,
        steps: pauseSteps(side, sync, opts, network),
        newRun: () => `${procedure(side.stack)}-${new Date().toISOString()}`,
        begin: { stack: side.stack, account: side.account, components: opts.components, executor: opts.executor },
        dryRun: opts.dryRun,
        log: (l) => log(`${side.stack.padEnd(4)} ${l}`),
        stepError: (err, step) =>
          new ToolError(E.STEP_FAILED, `${step.id} failed: ${err.message.split("\n")[0]}`, {
            hint: "fix the cause and run the same command again: paused contracts are skipped",
            nothingSent: false,
            cause: err,
          }),
      });
    }),
  );
  if (opts.dryRun) return { ok: true, rows: [], ms: Date.now() - t0, perStack };
  const rows = await readBack(sides, sync, opts);
  const ms = Date.now() - t0;
  const ok = rows.every((r) => sides.every((s) => r[s.stack] === true));
  return { ok, rows, ms, perStack };
}

/** The whole command; resolves with its exit code. */
export async function runEmergencyPause(
  hre: HardhatRuntimeEnvironment,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const t0 = Date.now();
  const opts = pauseOptionsFromEnv(env);
  const cfg = configFromHre(hre, env, { requireKey: false });
  const sync = deploymentOf(cfg, opts.components, opts.stacks);
  const what = opts.executor === undefined ? opts.components.map(kebab).join(", ") : `executor ${opts.executor}`;
  console.log(`emergency-pause: ${cfg.evmNetwork}+${cfg.wasm.name}, stacks ${opts.stacks.join("+")}: ${what}`);
  const sides = await openSides(cfg, hre, opts.stacks, env);
  try {
    for (const s of sides) console.log(`  ${s.stack}: EMERGENCY key ${s.account} (${s.keySource})`);
    const r = await pauseOn(cfg, sides, sync, opts, t0);
    if (opts.dryRun) {
      console.log("dry run: nothing was sent");
      return 0;
    }
    console.log(renderTable(r.rows, opts.stacks));
    const sent = Object.values(r.perStack).reduce(
      (n, p) => n + (p?.steps.filter((s) => s.status === "ran").length ?? 0),
      0,
    );
    if (!r.ok) {
      const bad = r.rows.filter((row) => opts.stacks.some((s) => row[s] !== true)).map((row) => kebab(row.component));
      throw new ToolError(E.NOT_PAUSED, `not paused after the run: ${bad.join(", ")}`, {
        hint: "read the table above; run the command again",
        nothingSent: false,
      });
    }
    console.log(`all paused in ${(r.ms / 1000).toFixed(2)} s (${sent} transaction${sent === 1 ? "" : "s"} sent)`);
    return 0;
  } finally {
    await closeSides(sides);
  }
}
