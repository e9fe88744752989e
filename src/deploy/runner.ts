import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline/promises";

import { hasEvmArtifact } from "../chains/evm";
import type { WasmChain } from "../chains/wasm";
import { deriveBook, writeBook } from "../deployment/address-book";
import { accountResolver, type DeployConfig } from "../deployment/config";
import { ConfigError, DeployError } from "../deployment/errors";
import { connectWasmChain, type EvmEndpoint } from "../deployment/endpoints";
import { evmSteps, type EvmState } from "./evm";
import { LockFile } from "../deployment/fsx";
import { Journal, type JournalEntry } from "../deployment/journal";
import { resolvePlan, type Plan } from "../deployment/plan";
import { journalFile, syncFile, writeSync } from "../deployment/sync";
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
  steps: { id: string; status: "done" | "ran" | "recovered" | "skipped"; gasUsed?: string; ms: number }[];
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
  const t0 = Date.now();
  const plan = resolvePlan(cfg.params, { has: (n) => hasEvmArtifact(n) });
  for (const n of plan.notices) log(`notice: ${n}`);

  const journal = Journal.open(journalFile(cfg));
  const open = env.VAGUS_DEPLOY_NEW === "1" ? undefined : journal.openDeployment();
  const deployment =
    open?.deployment ??
    `${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}-${randomBytes(3).toString("hex")}`;
  const evmState: EvmState = { addresses: {}, implementations: {} };
  const wasmState: WasmState = { codes: {}, addresses: {} };

  log(
    `deployment ${deployment}${open ? " (resuming an interrupted run)" : ""}: EVM ${cfg.evmNetwork} (chain ${evm.chainId}) + CosmWasm ${cfg.wasm.name} (${cfg.wasm.chainId})${cfg.timelockMode ? ", timelock mode" : ""}`,
  );
  log(
    `  params: ${path.relative(process.cwd(), cfg.paramsFile)}; journal: ${path.relative(process.cwd(), journalFile(cfg))}`,
  );

  if (cfg.dryRun) {
    return dryRun(cfg, evm, plan, journal, deployment, log, t0);
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
    chain = await connectWasmChain(cfg, { signer: true, env, log: (l) => log(`  cosmwasm: ${l}`) });
    const wasmDeployer = await chain.addrMake("deployer");
    log(`  deployers: EVM ${evm.deployer}, CosmWasm ${wasmDeployer} (key from ${cfg.wasm.keySource})`);
    if (!open) {
      journal.append({
        deployment,
        phase: "begin",
        data: {
          evmNetwork: cfg.evmNetwork,
          evmChainId: evm.chainId,
          wasmNetwork: cfg.wasm.name,
          wasmChainId: cfg.wasm.chainId,
          evmDeployer: evm.deployer,
          wasmDeployer,
          timelockMode: cfg.timelockMode,
          params: cfg.params as unknown as Record<string, unknown>,
        },
      });
    } else {
      await checkStillDeployed(journal, deployment, cfg, evm, chain);
    }
    const resolve = accountResolver(cfg, env);
    const gw = { ...cfg.params.governance.wasm };
    const steps: Step[] = [
      ...evmSteps(evm, plan, cfg.params.governance.evm, {
        deployment,
        timelockMode: cfg.timelockMode,
        state: evmState,
      }),
      ...wasmSteps(chain, cfg.wasm.name, plan, gw, {
        deployment,
        deployer: wasmDeployer,
        timelockMode: cfg.timelockMode,
        resolve,
        state: wasmState,
        evmAddresses: () => evmState.addresses,
        evmChainId: evm.chainId,
      }),
    ];
    const summary: RunSummary = {
      deployment,
      resumed: Boolean(open),
      steps: [],
      evm: evmState.addresses,
      wasm: wasmState.addresses,
      ms: 0,
      pairDir: cfg.pairDir,
    };
    const derive = () => {
      writeBook(cfg.root, deriveBook(journal, cfg.evmNetwork, "evm", evm.chainId));
      writeBook(cfg.root, deriveBook(journal, cfg.wasm.name, "wasm", cfg.wasm.chainId));
    };
    const crashAt = env.VAGUS_DEPLOY_CRASH_AT;
    let i = 0;
    for (const step of steps) {
      i++;
      const head = `[${i}/${steps.length}] ${step.id}`;
      const ts = Date.now();
      const done = journal.outcome(deployment, step.id);
      if (done) {
        apply(done.data, cfg.evmNetwork, evmState, wasmState);
        log(`${head}: done earlier`);
        summary.steps.push({ id: step.id, status: "done", ms: 0 });
        continue;
      }
      try {
        const pending = journal.pendingIntent(deployment, step.id);
        let found: StepData | undefined;
        if (pending) {
          log(`${head}: an earlier run sent this and died; looking for it on chain`);
          found = await step.probe(pending.data ?? {});
        } else if (step.probeFirst) {
          found = await step.probe({});
        }
        if (found) {
          journal.append({
            deployment,
            phase: pending ? "recovered" : "skipped",
            step: step.id,
            network: step.network,
            data: found,
          });
          apply(found, cfg.evmNetwork, evmState, wasmState);
          log(`${head}: ${pending ? "found on chain, recorded" : "already on chain, skipped"}${addrOf(found)}`);
          summary.steps.push({ id: step.id, status: pending ? "recovered" : "skipped", ms: Date.now() - ts });
          derive();
          continue;
        }
        log(`${head}: ${step.describe}`);
        const intent = await step.intent();
        journal.append({ deployment, phase: "intent", step: step.id, network: step.network, data: intent });
        const result = await step.run(intent, {
          sent: () => {
            if (crashAt === step.id) {
              log(`${head}: VAGUS_DEPLOY_CRASH_AT=${crashAt}: SIGKILL after sending (test hook)`);
              process.kill(process.pid, "SIGKILL");
            }
          },
        });
        journal.append({ deployment, phase: "result", step: step.id, network: step.network, data: result });
        apply(result, cfg.evmNetwork, evmState, wasmState);
        log(
          `${head}: ok${addrOf(result)}${typeof result.gasUsed === "string" || typeof result.gasUsed === "number" ? ` gas ${result.gasUsed}` : ""} (${((Date.now() - ts) / 1000).toFixed(1)} s)`,
        );
        summary.steps.push({
          id: step.id,
          status: "ran",
          gasUsed: result.gasUsed as string | undefined,
          ms: Date.now() - ts,
        });
        derive();
      } catch (err) {
        if (err instanceof DeployError || err instanceof ConfigError) throw err;
        journal.append({
          deployment,
          phase: "failed",
          step: step.id,
          network: step.network,
          data: { error: (err as Error).message.slice(0, 2000) },
        });
        throw new DeployError(`${step.describe}`, {
          step: step.id,
          chain:
            step.stack === "evm"
              ? `${cfg.evmNetwork} (chain ${evm.chainId})`
              : `${cfg.wasm.name} (${cfg.wasm.chainId})`,
          hint: hintFor(err as Error, step, cfg),
          cause: err,
        });
      }
    }
    writeDeploymentSync(cfg, evm.chainId, deployment, evmState, wasmState, plan);
    derive();
    summary.ms = Date.now() - t0;
    journal.append({
      deployment,
      phase: "complete",
      data: { ms: summary.ms, sync: syncFile(cfg) },
    });
    log(
      `deployment ${deployment} complete in ${(summary.ms / 1000).toFixed(1)} s; verify with: npm run verify:deployment`,
    );
    return summary;
  } finally {
    await chain?.close();
    lock.release();
  }
}

function addrOf(d: StepData): string {
  const r = (d as { record?: { address?: string; implementation?: string; codeId?: number } }).record;
  if (!r) return "";
  if (r.address) return ` → ${r.address}`;
  if (r.implementation) return ` → ${r.implementation}`;
  if (r.codeId !== undefined) return ` → code ${r.codeId}`;
  return "";
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

async function dryRun(
  cfg: DeployConfig,
  evm: EvmEndpoint,
  plan: Plan,
  journal: Journal,
  deployment: string,
  log: (l: string) => void,
  t0: number,
): Promise<RunSummary> {
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
  // Step descriptions need no chain access.
  const steps = [
    ...evmSteps(evm, plan, g.evm, {
      deployment,
      timelockMode: cfg.timelockMode,
      state: { addresses: {}, implementations: {} },
    }),
    ...wasmSteps(undefined as never, cfg.wasm.name, plan, g.wasm, {
      deployment,
      deployer: "<deployer>",
      timelockMode: cfg.timelockMode,
      resolve: (r) => r,
      state: { codes: {}, addresses: {} },
      evmAddresses: () => ({}),
      evmChainId: evm.chainId,
    }),
  ];
  steps.forEach((s, i) => {
    const done: JournalEntry | undefined = journal.outcome(deployment, s.id);
    log(`  [${i + 1}/${steps.length}] ${s.id}: ${s.describe}${done ? " (done)" : ""}`);
  });
  await Promise.resolve();
  return { deployment, resumed: false, steps: [], evm: {}, wasm: {}, ms: Date.now() - t0, pairDir: cfg.pairDir };
}
