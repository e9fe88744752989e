import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { envBool, envList, envString } from "../cli/flags";
import { ToolError } from "../cli/errors";
import { accountResolver, expandPath, type DeployConfig } from "../deployment/config";
import { configFromHre } from "../deployment/endpoints";
import { closeSides, openSides, pauseOn, pauseOptionsFromEnv, readBack, renderTable, type PauseRow } from "./pause";
import { deploymentOf, E, kebab, openReadSides, parseStacks, type Stack } from "./targets";
import { DEFAULT_UNPAUSE_PLAN, loadUnpausePlan, renderTimings, runStagedUnpause, type UnpauseStage } from "./unpause";

/**
 * The restoration commands: `npx hardhat vagus:unpause --plan <file>` (the staged unpause
 * alone) and `npx hardhat run scripts/emergency-pause.ts --drill` (pause, check, staged
 * unpause on the localnets, with the time of each phase).
 */

/**
 * The governance keys of a local network when none is set: the plan's first EVM proposer
 * (one of the node's unlocked accounts) and the localnet key file of the CosmWasm proposer.
 * Public networks use the operator's settings (VAGUS_GOV_FROM, VAGUS_WASM_MNEMONIC /
 * VAGUS_WASM_KEY_FILE) as `vagus:gov` does.
 */
export function governanceEnv(cfg: DeployConfig, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!cfg.evm.local || !cfg.wasm.local) return env;
  const out = { ...env };
  if (!out.VAGUS_GOV_FROM) out.VAGUS_GOV_FROM = cfg.params.governance.evm.proposers[0];
  if (!out.VAGUS_WASM_MNEMONIC && !out.VAGUS_WASM_KEY_FILE) {
    const ref = cfg.params.governance.wasm.proposers[0] ?? "";
    if (ref.startsWith("@account:")) {
      accountResolver(cfg, env)(ref); // fails with the accounts file's message when unknown
      out.VAGUS_WASM_KEY_FILE = expandPath(
        `\${VAGUS_LOCALNET_DIR:-.localnet}/wasm/keys/${ref.slice("@account:".length)}.mnemonic`,
        env,
      );
    }
  }
  return out;
}

/** The plan of `--plan` (default deploy/unpause-plan.json), narrowed to `components`. */
export function planFor(env: NodeJS.ProcessEnv, components?: string[]): { file: string; stages: UnpauseStage[] } {
  const file = path.resolve(envString("VAGUS_PLAN", env) ?? DEFAULT_UNPAUSE_PLAN);
  let stages = loadUnpausePlan(file);
  if (components) {
    stages = stages
      .map((s) => ({ ...s, components: s.components.filter((c) => components.includes(c)) }))
      .filter((s) => s.components.length > 0);
    const staged = new Set(stages.flatMap((s) => s.components));
    const left = components.filter((c) => !staged.has(c));
    if (left.length > 0)
      throw new ToolError(E.BAD_PLAN, `${file} has no stage for ${left.map(kebab).join(", ")}`, {
        hint: "add them to a stage: the drill must restore everything it paused",
      });
  }
  return { file, stages };
}

function hreUrl(hre: HardhatRuntimeEnvironment): string | undefined {
  return "url" in hre.network.config ? hre.network.config.url : undefined;
}

/** `vagus:unpause --plan <file> [--stacks] [--dry-run]`; resolves with the exit code. */
export async function runUnpauseCommand(
  hre: HardhatRuntimeEnvironment,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const stacks = parseStacks(envList("VAGUS_STACKS", env));
  const { file, stages } = planFor(env);
  const cfg = configFromHre(hre, env, { requireKey: false });
  const components = stages.flatMap((s) => s.components);
  const sync = deploymentOf(cfg, components, stacks);
  console.log(`unpause: ${cfg.evmNetwork}+${cfg.wasm.name}, stacks ${stacks.join("+")}, plan ${file}`);
  stages.forEach((s, i) => console.log(`  stage ${i + 1} ${s.name}: ${s.components.map(kebab).join(", ")}`));
  const sides = await openReadSides(cfg, hreUrl(hre), stacks);
  try {
    const r = await runStagedUnpause(hre, cfg, sides, sync, stages, {
      env: governanceEnv(cfg, env),
      dryRun: envBool("VAGUS_DRY_RUN", env),
    });
    if (envBool("VAGUS_DRY_RUN", env)) return 0;
    console.log(renderTimings(r.timings));
    console.log(renderTable(r.rows, stacks, "unpaused"));
    console.log(`restored in ${(r.ms / 1000).toFixed(2)} s`);
    return 0;
  } finally {
    await closeSides(sides);
  }
}

/**
 * `--drill`: on the localnets only, pause (as the emergency command does), check (read
 * back), staged unpause (the plan), check again; prints each phase's time.
 */
export async function runDrill(hre: HardhatRuntimeEnvironment, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const t0 = Date.now();
  const opts = pauseOptionsFromEnv(env);
  if (opts.executor !== undefined)
    throw new ToolError(E.BAD_FLAGS, "--drill rehearses the whole pause: it does not take --executor");
  if (opts.dryRun) throw new ToolError(E.BAD_FLAGS, "--drill sends transactions: it does not take --dry-run");
  const cfg = configFromHre(hre, env, { requireKey: false });
  if (!cfg.evm.local || !cfg.wasm.local) {
    throw new ToolError(
      E.DRILL_NOT_LOCAL,
      `--drill runs on the localnets only, not on ${cfg.evmNetwork}+${cfg.wasm.name}`,
      {
        hint: "npx hardhat run scripts/emergency-pause.ts --network localhost --drill",
      },
    );
  }
  const { file, stages } = planFor(env, opts.components);
  const sync = deploymentOf(cfg, opts.components, opts.stacks);
  const gEnv = governanceEnv(cfg, env);
  console.log(`drill: ${cfg.evmNetwork}+${cfg.wasm.name}, stacks ${opts.stacks.join("+")}, plan ${file}`);
  const sides = await openSides(cfg, hre, opts.stacks, env);
  const phases: { phase: string; ms: number }[] = [];
  const phase = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
    console.log(`--- drill: ${name}`);
    const t = Date.now();
    const out = await body();
    phases.push({ phase: name, ms: Date.now() - t });
    return out;
  };
  try {
    const paused = await phase("pause", () => pauseOn(cfg, sides, sync, opts, Date.now()));
    const rows = await phase("check", () => readBack(sides, sync, opts));
    console.log(renderTable(rows, opts.stacks));
    if (!paused.ok || !allTrue(rows, opts.stacks))
      throw new ToolError(E.NOT_PAUSED, "drill: not everything was paused (table above)", { nothingSent: false });
    const restored = await phase("staged unpause", () =>
      runStagedUnpause(hre, cfg, sides, sync, stages, { env: gEnv }),
    );
    console.log(renderTimings(restored.timings));
    const after = await phase("final check", async () =>
      (await readBack(sides, sync, opts)).map((r) => invert(r, opts.stacks)),
    );
    console.log(renderTable(after, opts.stacks, "unpaused"));
    if (!allTrue(after, opts.stacks))
      throw new ToolError(E.STAGE_NOT_UNPAUSED, "drill: not everything was restored (table above)", {
        nothingSent: false,
      });
    console.log("drill timings:");
    for (const p of phases) console.log(`  ${p.phase.padEnd(16)} ${(p.ms / 1000).toFixed(2).padStart(8)} s`);
    console.log(`  ${"total".padEnd(16)} ${((Date.now() - t0) / 1000).toFixed(2).padStart(8)} s`);
    return 0;
  } finally {
    await closeSides(sides);
  }
}

function allTrue(rows: PauseRow[], stacks: Stack[]): boolean {
  return rows.every((r) => stacks.every((s) => r[s] === true));
}

function invert(r: PauseRow, stacks: Stack[]): PauseRow {
  const out: PauseRow = { component: r.component };
  for (const s of stacks) out[s] = r[s] === undefined ? undefined : !r[s];
  return out;
}
