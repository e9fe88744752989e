import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline/promises";

import { hasEvmArtifact, readEvmArtifact } from "../chains/evm";
import type { WasmChain } from "../chains/wasm";
import { deriveBook, writeBook } from "../deployment/address-book";
import { accountResolver, type DeployConfig } from "../deployment/config";
import { ConfigError, DeployError } from "../deployment/errors";
import { connectWasmChain, type EvmEndpoint } from "../deployment/endpoints";
import { evmSteps, type EvmState } from "./evm";
import { LockFile } from "../deployment/fsx";
import { Journal } from "../deployment/journal";
import { resolvePlan, type Plan } from "../deployment/plan";
import { checkRelease } from "../deployment/release";
import { journalFile, syncFile, writeSync } from "../deployment/sync";
import { runIdOf, runProcedure, type StepOutcome } from "../procedure/runner";
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

export interface RunSummary {
  deployment: string;
  resumed: boolean;
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

async function confirmMainnet(cfg: DeployConfig, env: NodeJS.ProcessEnv, log: (l: string) => void): Promise<void> {
  const expected = `${cfg.evmNetwork}+${cfg.wasm.name}`;
  if (env.VAGUS_CONFIRM_MAINNET === expected) {
    log(`mainnet confirmed by VAGUS_CONFIRM_MAINNET=${expected}`);
    return;
  }
  if (!process.stdin.isTTY) {
    throw new DeployError(`refusing to send mainnet transactions without confirmation`, {
      step: "confirm",
      chain: expected,
      hint: `run in a terminal and type the confirmation, or set VAGUS_CONFIRM_MAINNET=${expected} (CI)`,
    });
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`This deploys to MAINNET (${expected}). Type "${expected}" to continue: `);
  rl.close();
  if (answer.trim() !== expected)
    throw new DeployError("not confirmed; nothing was sent", { step: "confirm", chain: expected });
}

export async function runDeployment(cfg: DeployConfig, evm: EvmEndpoint, opts: RunOptions = {}): Promise<RunSummary> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((l: string) => console.log(l));
  const plan = resolvePlan(cfg.params, { has: (n) => hasEvmArtifact(n) });
  for (const n of plan.notices) log(`notice: ${n}`);
  await checkRelease(cfg, plan, { artifact: (name) => Promise.resolve(readEvmArtifact(name)) }, { env, log });

  const journal = Journal.open(journalFile(cfg));
  const start = runIdOf({
    procedure: "deploy",
    journal,
    forceNew: env.VAGUS_DEPLOY_NEW === "1",
    newRun: () => `${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}-${randomBytes(3).toString("hex")}`,
  });
  const { run: deployment, open } = start;
  const evmState: EvmState = { addresses: {}, implementations: {} };
  const wasmState: WasmState = { codes: {}, addresses: {} };

  log(
    `deployment ${deployment}${open ? " (resuming an interrupted run)" : ""}: EVM ${cfg.evmNetwork} (chain ${evm.chainId}) + CosmWasm ${cfg.wasm.name} (${cfg.wasm.chainId})${cfg.timelockMode ? ", timelock mode" : ""}`,
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

  if (cfg.dryRun) {
    printDryRunHeader(cfg, plan, log);
    const summary = await runProcedure({ ...procedure, steps: stepsOf(undefined, "<deployer>"), dryRun: true });
    return { deployment, resumed: false, steps: [], evm: {}, wasm: {}, ms: summary.ms, pairDir: cfg.pairDir };
  }
  if (cfg.mainnet) await confirmMainnet(cfg, env, log);

  const lock = new LockFile(path.join(cfg.pairDir, "journal.lock"));
  lock.acquire();
  let chain: WasmChain | undefined;
  try {
    if (open) {
      const b = open.data as { evmChainId?: string; wasmChainId?: string } | undefined;
      if (b?.evmChainId !== evm.chainId || b?.wasmChainId !== cfg.wasm.chainId) {
        throw new DeployError(
          `the open deployment ${deployment} was made on other chains (${b?.evmChainId}/${b?.wasmChainId})`,
          {
            step: "resume",
            hint: `set VAGUS_DEPLOY_NEW=1 to start a new deployment, or move ${cfg.pairDir} away`,
          },
        );
      }
    }
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
        evmNetwork: cfg.evmNetwork,
        evmChainId: evm.chainId,
        wasmNetwork: cfg.wasm.name,
        wasmChainId: cfg.wasm.chainId,
        evmDeployer: evm.deployer,
        wasmDeployer,
        timelockMode: cfg.timelockMode,
        params: cfg.params as unknown as Record<string, unknown>,
      },
      checkResume: () => checkStillDeployed(journal, deployment, cfg, evm, wasm),
      apply: (d) => apply(d, cfg.evmNetwork, evmState, wasmState),
      afterStep: derive,
      crashAt: env.VAGUS_DEPLOY_CRASH_AT,
      passThrough: (err) => err instanceof DeployError || err instanceof ConfigError,
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
      throw new DeployError(`${d.name} at ${addr} is recorded but not on chain any more (was the chain reset?)`, {
        step: "resume",
        chain: String(d.network),
        hint: `set VAGUS_DEPLOY_NEW=1 to start a new deployment, or move ${cfg.pairDir} away`,
      });
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
