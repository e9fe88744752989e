import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline/promises";

import { hasEvmArtifact, readEvmArtifact } from "../chains/evm";
import { ToolError } from "../cli/errors";
import type { WasmChain } from "../chains/wasm";
import { deriveBook, writeBook } from "../deployment/address-book";
import { accountResolver, type DeployConfig } from "../deployment/config";
import { ConfigError, DeployError } from "../deployment/errors";
import { connectWasmChain, type EvmEndpoint } from "../deployment/endpoints";
import { evmSteps, type EvmState } from "./evm";
import { LockFile } from "../deployment/fsx";
import { Journal, type JournalEntry } from "../deployment/journal";
import { resolvePlan, type Plan } from "../deployment/plan";
import { checkRelease } from "../deployment/release";
import { journalFile, syncFile, writeSync } from "../deployment/sync";
import { runIdOf, runProcedure, type StepOutcome } from "../procedure/runner";
import { settingsDiff, settingsOf } from "./settings";
import type { Step, StepData } from "../procedure/steps";
import { wasmSteps, type WasmState } from "./wasm";

/**
 * Runs a deployment of both stacks in the runbook's order (EVM, then CosmWasm initialized
 * with the EVM addresses, then the sync file), journaled so that a run killed at any point
 * resumes without repeating a finished step or deploying anything twice.
 */

export interface RunOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Deploy error codes (docs/error-codes.md, 11xxx). */
export const DEPLOY_CODES = {
  /** A resume whose settings differ from the interrupted deployment's. */
  resumeSettings: 11001,
  /** A re-run after a complete deployment, with other settings and without --new. */
  completeSettings: 11002,
  /** A contract the journal records is not on chain (the chain was reset). */
  recordedGone: 11003,
  /** Mainnet transactions without confirmation (--yes or the typed pair name). */
  mainnetUnconfirmed: 11004,
} as const;

export interface RunSummary {
  deployment: string;
  resumed: boolean;
  /** Set when the deployment was already complete: nothing was sent. */
  alreadyComplete?: { finishedAt: string };
  steps: StepOutcome[];
  evm: Record<string, string>;
  wasm: Record<string, string>;
  ms: number;
  pairDir: string;
}

/** Applies an outcome's record to the in-memory state a later step reads. */
function apply(data: StepData | undefined, evmNet: string, evm: EvmState, wasm: WasmState): void {
  const d = data as { name?: string; network?: string; record?: Record<string, unknown> } | undefined;
  if (!d?.record || !d.name) return;
  const r = d.record;
  if (d.network === evmNet) {
    if (typeof r.address === "string") evm.addresses[d.name] = r.address;
    if (typeof r.implementation === "string") evm.implementations[d.name] = r.implementation;
  } else if (d.name.startsWith("code:")) {
    wasm.codes[String(r.artifact)] = { codeId: Number(r.codeId), checksum: String(r.checksum) };
  } else if (typeof r.address === "string") {
    wasm.addresses[d.name] = r.address;
  }
}

async function confirmMainnet(cfg: DeployConfig, log: (l: string) => void): Promise<void> {
  const expected = `${cfg.evmNetwork}+${cfg.wasm.name}`;
  if (cfg.yes) {
    log(`mainnet confirmed on the command line (--yes / VAGUS_YES / VAGUS_CONFIRM_MAINNET) for ${expected}`);
    return;
  }
  if (!process.stdin.isTTY) {
    throw new ToolError(
      DEPLOY_CODES.mainnetUnconfirmed,
      `refusing to send mainnet transactions to ${expected} without confirmation`,
      {
        hint: `run in a terminal and type the confirmation, or add --yes (CI: VAGUS_YES=1 or VAGUS_CONFIRM_MAINNET=${expected})`,
      },
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`This deploys to MAINNET (${expected}). Type "${expected}" to continue: `);
  rl.close();
  if (answer.trim() !== expected)
    throw new ToolError(DEPLOY_CODES.mainnetUnconfirmed, `not confirmed: the answer was not "${expected}"`);
}

export async function runDeployment(cfg: DeployConfig, evm: EvmEndpoint, opts: RunOptions = {}): Promise<RunSummary> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((l: string) => console.log(l));
  const plan = resolvePlan(cfg.params, { has: (n) => hasEvmArtifact(n) });
  for (const n of plan.notices) log(`notice: ${n}`);
  await checkRelease(cfg, plan, { artifact: (name) => Promise.resolve(readEvmArtifact(name)) }, { env, log });

  const journal = Journal.open(journalFile(cfg));
  const settings = settingsOf(cfg, evm.chainId);
  const last = cfg.forceNew ? undefined : lastDeployRun(journal);
  const finished = last && journal.entries.find((e) => e.phase === "complete" && e.deployment === last.deployment);
  if (last) {
    // Before anything else (mainnet prompt, lock, connection): a re-run or a resume with
    // other settings would mix two deployments (docs/decisions/0030).
    const diffs = settingsDiff(last.data, settings);
    if (diffs.length > 0) {
      const id = last.deployment;
      throw finished
        ? new ToolError(
            DEPLOY_CODES.completeSettings,
            `deployment ${id} (complete ${finished.time}) was made with other settings:\n  - ${diffs.join("\n  - ")}`,
            { hint: "run with its settings (then nothing is sent), or add --new to start a new deployment with these" },
          )
        : new ToolError(
            DEPLOY_CODES.resumeSettings,
            `the interrupted deployment ${id} was started with other settings; resuming it with these would mix two deployments:\n  - ${diffs.join("\n  - ")}`,
            {
              hint: "run the same command with its recorded settings to resume it, or add --new to abandon it and start a new deployment",
            },
          );
    }
  }
  const start = finished
    ? { run: finished.deployment, open: undefined }
    : runIdOf({
        procedure: "deploy",
        journal,
        forceNew: cfg.forceNew,
        newRun: () => `${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}-${randomBytes(3).toString("hex")}`,
      });
  const { run: deployment, open } = start;
  const evmState: EvmState = { addresses: {}, implementations: {} };
  const wasmState: WasmState = { codes: {}, addresses: {} };

  if (finished) {
    log(
      `deployment ${deployment} is complete (finished ${finished.time}): EVM ${cfg.evmNetwork} (chain ${evm.chainId}) + CosmWasm ${cfg.wasm.name} (${cfg.wasm.chainId})${cfg.timelockMode ? ", timelock mode" : ""}; same settings; nothing to send.`,
    );
    log(`  to start another deployment, add --new (VAGUS_NEW=1); to check this one: npm run verify:deployment`);
  }
  log(
    `deployment ${deployment}${open ? " (resuming an interrupted run)" : finished ? " (complete)" : ""}: EVM ${cfg.evmNetwork} (chain ${evm.chainId}) + CosmWasm ${cfg.wasm.name} (${cfg.wasm.chainId})${cfg.timelockMode ? ", timelock mode" : ""}`,
  );
  log(
    `  params: ${path.relative(process.cwd(), cfg.paramsFile)}; journal: ${path.relative(process.cwd(), journalFile(cfg))}`,
  );

  /** The deployment's steps, on both stacks, in the runbook's order (building them reads no chain). */
  const stepsOf = (chain: WasmChain | undefined, wasmDeployer: string): Step[] => [
    ...evmSteps(evm, plan, cfg.params.governance.evm, {
      deployment,
      timelockMode: cfg.timelockMode,
      state: evmState,
    }),
    ...wasmSteps(chain as WasmChain, cfg.wasm.name, plan, cfg.params.governance.wasm, {
      deployment,
      deployer: wasmDeployer,
      timelockMode: cfg.timelockMode,
      resolve: chain ? accountResolver(cfg, env) : (r) => r,
      state: wasmState,
      evmAddresses: () => evmState.addresses,
      evmChainId: evm.chainId,
    }),
  ];
  const procedure = { procedure: "deploy", journal, start, newRun: () => deployment, log };

  const alreadyComplete = finished ? { finishedAt: finished.time } : undefined;
  if (cfg.dryRun) {
    printDryRunHeader(cfg, plan, log);
    const summary = await runProcedure({ ...procedure, steps: stepsOf(undefined, "<deployer>"), dryRun: true });
    return {
      deployment,
      resumed: false,
      alreadyComplete,
      steps: [],
      evm: {},
      wasm: {},
      ms: summary.ms,
      pairDir: cfg.pairDir,
    };
  }
  if (finished) {
    return { deployment, resumed: false, alreadyComplete, steps: [], evm: {}, wasm: {}, ms: 0, pairDir: cfg.pairDir };
  }
  if (cfg.mainnet) await confirmMainnet(cfg, log);

  const lock = new LockFile(path.join(cfg.pairDir, "journal.lock"));
  lock.acquire();
  let chain: WasmChain | undefined;
  try {
    const wasm = await connectWasmChain(cfg, { signer: true, env, log: (l) => log(`  cosmwasm: ${l}`) });
    chain = wasm;
    const wasmDeployer = await wasm.addrMake("deployer");
    log(`  deployers: EVM ${evm.deployer}, CosmWasm ${wasmDeployer} (key from ${cfg.wasm.keySource})`);
    const derive = () => {
      writeBook(cfg.root, deriveBook(journal, cfg.evmNetwork, "evm", evm.chainId));
      writeBook(cfg.root, deriveBook(journal, cfg.wasm.name, "wasm", cfg.wasm.chainId));
    };
    const summary = await runProcedure({
      ...procedure,
      steps: stepsOf(wasm, wasmDeployer),
      begin: {
        ...settings,
        evmDeployer: evm.deployer,
        wasmDeployer,
      },
      checkResume: () => checkStillDeployed(journal, deployment, cfg, evm, wasm),
      apply: (d) => apply(d, cfg.evmNetwork, evmState, wasmState),
      afterStep: derive,
      crashAt: env.VAGUS_DEPLOY_CRASH_AT,
      passThrough: (err) => err instanceof DeployError || err instanceof ConfigError || err instanceof ToolError,
      stepError: (err, step) =>
        new DeployError(`${step.describe}`, {
          step: step.id,
          chain:
            step.stack === "evm"
              ? `${cfg.evmNetwork} (chain ${evm.chainId})`
              : `${cfg.wasm.name} (${cfg.wasm.chainId})`,
          hint: hintFor(err, step, cfg),
          cause: err,
        }),
      finish: () => {
        writeDeploymentSync(cfg, evm.chainId, deployment, evmState, wasmState, plan);
        derive();
        return { sync: syncFile(cfg) };
      },
    });
    log(
      `deployment ${deployment} complete in ${(summary.ms / 1000).toFixed(1)} s; verify with: npm run verify:deployment`,
    );
    return {
      deployment,
      resumed: summary.resumed,
      steps: summary.steps,
      evm: evmState.addresses,
      wasm: wasmState.addresses,
      ms: summary.ms,
      pairDir: cfg.pairDir,
    };
  } finally {
    await chain?.close();
    lock.release();
  }
}

/** The deploy run that began last (a begin without `procedure` is a deployment's). */
function lastDeployRun(journal: Journal): JournalEntry | undefined {
  const begins = journal.entries.filter(
    (e) => e.phase === "begin" && ((e.data?.procedure as string | undefined) ?? "deploy") === "deploy",
  );
  return begins[begins.length - 1];
}

function hintFor(err: Error, step: Step, cfg: DeployConfig): string {
  const m = err.message;
  if (/insufficient funds|insufficient fees|insufficient account funds/i.test(m))
    return `fund the deployer on ${step.network}, then run the same command again: it resumes here`;
  if (/ECONNREFUSED|fetch failed|cannot reach|socket hang up/i.test(m)) {
    return cfg.wasm.local || cfg.evm.local
      ? "is the localnet up? npm run localnet:up; then run the same command again"
      : "check the RPC endpoint, then run the same command again";
  }
  if (/vagus:\d{4}|reverted|execution reverted/i.test(m))
    return "a contract refused the call: check the parameters file against spec/ and the plan (deploy/plan.json); the run resumes from this step";
  return "fix the cause, then run the same command again: finished steps are not repeated (docs/runbook.md, Resume)";
}

async function checkStillDeployed(
  journal: Journal,
  deployment: string,
  cfg: DeployConfig,
  evm: EvmEndpoint,
  chain: WasmChain,
): Promise<void> {
  for (const e of journal.outcomes(deployment)) {
    const d = e.data as { name?: string; network?: string; record?: { address?: string } } | undefined;
    const addr = d?.record?.address;
    if (!addr) continue;
    const gone =
      d.network === cfg.evmNetwork ? (await evm.chain.code(addr)) === "0x" : !(await chain.contractInfo(addr));
    if (gone) {
      throw new ToolError(
        DEPLOY_CODES.recordedGone,
        `${d.name} at ${addr} on ${String(d.network)} is recorded but not on chain any more (was the chain reset?)`,
        { hint: `add --new (VAGUS_NEW=1) to start a new deployment, or move ${cfg.pairDir} away` },
      );
    }
  }
}

function writeDeploymentSync(
  cfg: DeployConfig,
  evmChainId: string,
  deployment: string,
  e: EvmState,
  w: WasmState,
  plan: Plan,
): void {
  writeSync(
    cfg,
    {
      deployment,
      evm: { network: cfg.evmNetwork, chainId: evmChainId, contracts: e.addresses, implementations: e.implementations },
      wasm: {
        network: cfg.wasm.name,
        chainId: cfg.wasm.chainId,
        contracts: w.addresses,
        codes: w.codes,
        timelockContract: plan.wasmTimelock,
      },
    },
    [...plan.components.map((c) => c.name), "timelock"],
  );
}

function printDryRunHeader(cfg: DeployConfig, plan: Plan, log: (l: string) => void): void {
  log("DRY RUN: nothing is sent, nothing is written.");
  log(
    `  components: ${plan.components.map((c) => `${c.name} ${JSON.stringify(c.params, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v))}`).join("; ")}`,
  );
  const g = cfg.params.governance;
  log(
    `  EVM governance: TimelockController minDelay ${g.evm.minDelay}s, proposers ${g.evm.proposers.join(",")}, executors ${g.evm.executors.join(",")}, guardians ${g.evm.guardians.join(",")}`,
  );
  log(
    `  CosmWasm governance: ${plan.wasmTimelock ? "timelock contract" : `account ${g.wasm.admin ?? g.wasm.proposers[0]}`}, guardians ${g.wasm.guardians.join(",")}`,
  );
}
