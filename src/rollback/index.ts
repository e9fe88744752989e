import { randomBytes } from "node:crypto";
import path from "node:path";

import { getAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import {
  codeMatchesArtifact,
  proxyImplementation,
  readEvmArtifact,
  readEvmArtifactWithImmutables,
  type EvmChain,
} from "../chains/evm";
import type { WasmChain } from "../chains/wasm";
import { envBool, envList, envString } from "../cli/flags";
import { evmAt, evmView } from "../deploy/evm";
import { renderReport, verifyDeployment } from "../deploy/verify";
import { deriveBook, readBook, writeBook, type AddressBook, type BookEntry } from "../deployment/address-book";
import type { DeployConfig } from "../deployment/config";
import { configFromHre, connectWasmChain, evmEndpointFromHre, type EvmEndpoint } from "../deployment/endpoints";
import { LockFile } from "../deployment/fsx";
import { Journal } from "../deployment/journal";
import { resolvePlan, type Plan } from "../deployment/plan";
import { journalFile, readSync, writeSync, type SyncFile } from "../deployment/sync";
import { executeProposal, proposalStatus, proposeOperations, type Stack } from "../governance";
import { runIdOf, runProcedure } from "../procedure/runner";
import type { Step, StepData } from "../procedure/steps";
import { specErrorOf } from "../spec";
import { RB, rbError } from "./errors";
import {
  compareVersions,
  evmRecordOf,
  evmTarget,
  parseTo,
  rollbackLayoutProblems,
  wasmTarget,
  type ToFlag,
} from "./targets";

export { RB } from "./errors";
export { parseTo, previousEvm, previousWasm, rollbackLayoutProblems } from "./targets";

/**
 * Rollback of protocol components on both stacks (spec/frame.md "Rollback"):
 *
 * - `emergencyRollback`: the EMERGENCY key returns components at once, paused, to a
 *   version governance replaced before (EVM `emergencyRollback` on the proxy, CosmWasm
 *   `emergency_rollback` on the timelock);
 * - `governanceRollback`: the same return proposed through both timelocks (an `upgrade`
 *   operation whose CosmWasm migrate message is the explicit rollback), executed once
 *   ready, then the deployment verification;
 * - `recordActiveVersions`: what each component runs now, read from the chains, recorded
 *   in the journal the address books derive from (history keeps every version).
 *
 * Every check that needs no transaction runs before the first one; the transactions run
 * through `runProcedure` on the deployment's journal (resume, `[i/n]` lines, dry run).
 */

export interface RollbackOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface StackTarget {
  stack: Stack;
  component: string;
  /** What runs now: implementation address or code id. */
  from: string;
  /** What the rollback returns to. */
  to: string;
  /** EVM: the target's contract name (from the address book); CosmWasm: its cw2 version. */
  label?: string;
}

export interface RollbackResult {
  run: string;
  targets: StackTarget[];
  proposal?: string;
  verified?: boolean;
}

const STACKS: Stack[] = ["evm", "wasm"];
const DEFAULT_REASON = "emergency rollback";
/** Longest wait for a governance rollback's eta before the command stops and says when. */
const MAX_WAIT_S = 120;

interface Ctx {
  cfg: DeployConfig;
  env: NodeJS.ProcessEnv;
  log: (l: string) => void;
  plan: Plan;
  sync: SyncFile;
  books: { evm?: AddressBook; wasm?: AddressBook };
  stacks: Stack[];
  components: string[];
  to: ToFlag;
  reason: string;
  dryRun: boolean;
}

function norm(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Flags and files, checked before any chain is opened. */
function prepare(hre: HardhatRuntimeEnvironment, opts: RollbackOptions, signer: boolean): Ctx {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((l: string) => console.log(l));
  const dryRun = envBool("VAGUS_DRY_RUN", env);
  const cfg = configFromHre(hre, env, { requireKey: signer && !dryRun });
  const plan = resolvePlan(cfg.params, { has: () => true });
  const sync = readSync(cfg);
  if (!sync)
    throw rbError(
      RB.NO_DEPLOYMENT,
      `no deployment recorded for ${path.basename(cfg.pairDir)} (${cfg.pairDir}/sync.json)`,
      `deploy first: npx hardhat run scripts/deploy.ts --network ${cfg.evmNetwork}`,
    );
  const stacksFlag = envList("VAGUS_STACKS", env);
  const stacks = stacksFlag && stacksFlag.length > 0 ? stacksFlag : STACKS;
  const badStacks = stacks.filter((s) => !STACKS.includes(s as Stack));
  if (badStacks.length > 0) throw rbError(RB.USAGE, `--stacks: unknown stack(s) ${badStacks.join(", ")}`);
  const known = plan.components.map((c) => c.name);
  const asked = [envString("VAGUS_COMPONENT", env), ...(envList("VAGUS_COMPONENTS", env) ?? [])].filter(
    (x): x is string => Boolean(x),
  );
  const components = asked.map((a) => {
    const hit = known.find(
      (k) => norm(k) === norm(a) || norm(plan.spec.component(k).file.replace(/\.json$/, "")) === norm(a),
    );
    if (!hit) throw rbError(RB.UNKNOWN_COMPONENT, `unknown component "${a}"`, `one of: ${known.join(", ")}`);
    return hit;
  });
  const to = parseTo(envString("VAGUS_TO", env));
  if ((to.evm || to.wasm !== undefined) && components.length !== 1)
    throw rbError(RB.USAGE, "--to needs exactly one --component", "e.g. --component RateLimiter --to 0x…");
  const reason = envString("VAGUS_REASON", env) ?? DEFAULT_REASON;
  if (Buffer.byteLength(reason, "utf8") > 256) throw rbError(RB.USAGE, "--reason is longer than 256 bytes");
  if (to.evm && !stacks.includes("evm"))
    throw rbError(RB.USAGE, "--to names an EVM implementation but --stacks leaves the EVM out");
  if (to.wasm !== undefined && !stacks.includes("wasm"))
    throw rbError(RB.USAGE, "--to names a code id but --stacks leaves CosmWasm out");
  if (stacks.includes("wasm") && !sync.wasm.timelockContract)
    throw rbError(
      RB.NO_DEPLOYMENT,
      "the CosmWasm deployment has no timelock contract: no emergency or governance rollback through it",
      "roll back the EVM only (--stacks evm); the CosmWasm governance account migrates by hand",
    );
  const books = {
    evm: readBook(cfg.root, cfg.evmNetwork),
    wasm: readBook(cfg.root, cfg.wasm.name),
  };
  return { cfg, env, log, plan, sync, books, stacks: stacks as Stack[], components, to, reason, dryRun };
}

function entryOf(ctx: Ctx, stack: Stack, name: string): BookEntry | undefined {
  return ctx.books[stack]?.contracts[name];
}

/** The components a command acts on: the named one, else every one with an earlier version. */
function chosen(ctx: Ctx): string[] {
  if (ctx.components.length > 0) return ctx.components;
  const withHistory = ctx.plan.components
    .map((c) => c.name)
    .filter((n) =>
      ctx.stacks.some((s) => {
        const e = entryOf(ctx, s, n);
        return e ? (s === "evm" ? e.history.some((r) => r.implementation) : e.history.some((r) => r.codeId)) : false;
      }),
    );
  if (withHistory.length === 0)
    throw rbError(
      RB.NO_PREVIOUS_VERSION,
      "no component has an earlier version in the address books",
      "name one with --component X --to <implementation|code id>",
    );
  return withHistory;
}

interface Chains {
  evm?: EvmEndpoint;
  wasm?: WasmChain;
  evmSigner?: string;
  wasmSigner?: string;
  close(): Promise<void>;
}

async function openChains(hre: HardhatRuntimeEnvironment, ctx: Ctx, signer: boolean): Promise<Chains> {
  const chains: Chains = {
    close: async () => {
      await chains.evm?.chain.close();
      await chains.wasm?.close();
    },
  };
  try {
    if (ctx.stacks.includes("evm")) {
      chains.evm = await evmEndpointFromHre(hre);
      chains.evmSigner = chains.evm.deployer;
      const from = envString("VAGUS_FROM", ctx.env);
      if (from) {
        const accounts = (await chains.evm.chain.accounts()).map((a) => a.toLowerCase());
        if (!accounts.includes(from.toLowerCase()))
          throw rbError(RB.USAGE, `--from ${from}: not an account of ${chains.evm.network}`);
        chains.evmSigner = getAddress(from);
      }
    }
    if (ctx.stacks.includes("wasm")) {
      chains.wasm = await connectWasmChain(ctx.cfg, {
        signer: signer && !ctx.dryRun,
        env: ctx.env,
        log: (l) => ctx.log(`  cosmwasm: ${l}`),
      });
      if (signer && !ctx.dryRun) chains.wasmSigner = await chains.wasm.addrMake("deployer");
    }
  } catch (err) {
    await chains.close();
    throw err;
  }
  return chains;
}

const evmContractOf = (ctx: Ctx, name: string) => ctx.plan.components.find((c) => c.name === name)!.evm.contract;
const wasmArtifactOf = (ctx: Ctx, name: string) => ctx.plan.components.find((c) => c.name === name)!.wasm.artifact;

/** Resolves and checks each component's target on each stack; sends nothing. */
async function resolveTargets(
  ctx: Ctx,
  chains: Chains,
  names: string[],
  mode: "emergency" | "governance",
): Promise<StackTarget[]> {
  const out: StackTarget[] = [];
  for (const name of names) {
    if (chains.evm) {
      const chain = chains.evm.chain;
      const proxy = ctx.sync.evm.contracts[name];
      if (!proxy) throw rbError(RB.NO_DEPLOYMENT, `${name} has no EVM proxy in the deployment`);
      const entry = entryOf(ctx, "evm", name);
      const target = evmTarget(name, entry, ctx.to.evm);
      const running = getAddress(await proxyImplementation(chain, proxy));
      if (running === target)
        throw rbError(RB.ALREADY_ACTIVE, `${name}: the EVM proxy already runs ${target}`, "nothing to roll back");
      if ((await chain.code(target)) === "0x")
        throw rbError(RB.UNKNOWN_TARGET, `${name}: no contract code at ${target} on ${chains.evm.network}`);
      const contract = evmContractOf(ctx, name);
      // The allowlist first: an emergency target it lacks is refused as such, whatever the book knows.
      if (mode === "emergency") {
        const approved = (await evmView(chain, contract, proxy, "isRollbackTarget", [target])) as boolean;
        if (!approved)
          throw rbError(
            RB.NOT_APPROVED,
            `${name}: ${target} is not an approved rollback target of the EVM proxy (governance never replaced it there)`,
            "the emergency key returns only to versions governance ran before; anything else goes through governance (scripts/rollback.ts)",
          );
        const role = ctx.plan.spec.role("EMERGENCY").evmId;
        if (
          chains.evmSigner &&
          !((await evmView(chain, contract, proxy, "hasRole", [role, chains.evmSigner])) as boolean)
        )
          throw rbError(
            RB.MISSING_ROLE,
            `${name}: ${chains.evmSigner} does not hold EMERGENCY on the EVM proxy`,
            "sign with the emergency key (--from)",
          );
      }
      const runningArtifact = (entry && evmRecordOf(entry, running)?.artifact) ?? undefined;
      const targetArtifact = entry && evmRecordOf(entry, target)?.artifact;
      if (!runningArtifact || !targetArtifact)
        throw rbError(
          RB.UNKNOWN_TARGET,
          `${name}: the address book names no contract for ${!runningArtifact ? `the running implementation ${running}` : `the target ${target}`}, so its storage layout cannot be checked`,
          "record the versions first (they are recorded by every deploy, upgrade and rollback command)",
        );
      const problems = rollbackLayoutProblems(runningArtifact, targetArtifact);
      if (problems.length > 0)
        throw rbError(
          RB.LAYOUT_INCOMPATIBLE,
          `${name}: OpenZeppelin's storage-layout validation refuses ${runningArtifact} → ${targetArtifact}:\n${problems.join("\n")}`,
          "a rollback may only leave whole namespaces the newer version added (spec/frame.md)",
        );
      out.push({ stack: "evm", component: name, from: running, to: target, label: targetArtifact });
    }
    if (chains.wasm) {
      const chain = chains.wasm;
      const addr = ctx.sync.wasm.contracts[name];
      const timelock = ctx.sync.wasm.contracts.timelock;
      if (!addr || !timelock)
        throw rbError(RB.NO_DEPLOYMENT, `${name} has no CosmWasm contract or timelock in the deployment`);
      const target = wasmTarget(name, entryOf(ctx, "wasm", name), ctx.to.wasm);
      const info = await chain.contractInfo(addr);
      if (info?.codeId === target)
        throw rbError(
          RB.ALREADY_ACTIVE,
          `${name}: the CosmWasm contract already runs code ${target}`,
          "nothing to roll back",
        );
      await chain.codeChecksum(target).catch(() => {
        throw rbError(RB.UNKNOWN_TARGET, `${name}: no code ${target} on ${ctx.cfg.wasm.name}`);
      });
      const { targets } = await chain.query<{ targets: { code_id: number; version: string }[] }>(timelock, {
        rollback_targets: { contract_addr: addr },
      });
      const recorded = targets.find((t) => t.code_id === target);
      if (!recorded)
        throw rbError(
          mode === "emergency" ? RB.NOT_APPROVED : RB.UNKNOWN_TARGET,
          mode === "emergency"
            ? `${name}: code ${target} is not an approved rollback target of the CosmWasm timelock (it never migrated the contract away from it)`
            : `${name}: the timelock never ran code ${target} on this contract, so its cw2 version (the rollback message's to_version) is unknown`,
          mode === "emergency"
            ? "the emergency key returns only to code governance ran before; anything else goes through governance (scripts/rollback.ts)"
            : "a governance rollback returns to code the contract ran under the timelock; a new code goes through an upgrade proposal",
        );
      // The contract accepts a rollback only to an older cw2 version (NotARollback 1206): refused
      // here, before anything is sent on either stack. The running code's version is known
      // when the timelock migrated the contract away from it before.
      const runningVersion = targets.find((t) => t.code_id === info?.codeId)?.version;
      if (runningVersion && compareVersions(recorded.version, runningVersion) >= 0)
        throw rbError(
          RB.NOT_OLDER,
          `${name}: code ${target} (version ${recorded.version}) is not older than the running code ${info?.codeId} (version ${runningVersion}); the contract takes a rollback to an older version only`,
          "a newer version is installed by an upgrade proposal (vagus:gov propose upgrade)",
        );
      if (mode === "emergency" && chains.wasmSigner) {
        const { has_role } = await chain.query<{ has_role: boolean }>(addr, {
          has_role: { role: "emergency", account: chains.wasmSigner },
        });
        if (!has_role)
          throw rbError(
            RB.MISSING_ROLE,
            `${name}: ${chains.wasmSigner} does not hold emergency on the CosmWasm contract`,
            "sign with the emergency key (VAGUS_WASM_KEY_FILE / VAGUS_WASM_MNEMONIC)",
          );
      }
      out.push({
        stack: "wasm",
        component: name,
        from: String(info?.codeId),
        to: String(target),
        label: recorded.version,
      });
    }
  }
  return out;
}

/** The outcome that records `name`'s version on a stack in the books (history keeps the old one). */
function record(ctx: Ctx, t: StackTarget, extra: Record<string, unknown>): StepData {
  if (t.stack === "evm")
    return {
      name: t.component,
      network: ctx.cfg.evmNetwork,
      record: { implementation: t.to, artifact: t.label, ...extra },
    };
  return { name: t.component, network: ctx.cfg.wasm.name, record: { codeId: Number(t.to), ...extra } };
}

/** After a rollback: the sync file points at what runs now, and the books are derived again. */
function writeRecords(
  ctx: Ctx,
  journal: Journal,
  chains: Chains,
  targets: StackTarget[],
  checksums: Map<string, string>,
) {
  for (const t of targets) {
    if (t.stack === "evm") ctx.sync.evm.implementations[t.component] = t.to;
    else
      ctx.sync.wasm.codes[wasmArtifactOf(ctx, t.component)] = {
        codeId: Number(t.to),
        checksum: checksums.get(t.to) ?? "",
      };
  }
  writeSync(
    ctx.cfg,
    ctx.sync,
    ctx.sync.pairs.map((p) => p.name),
  );
  if (chains.evm) writeBook(ctx.cfg.root, deriveBook(journal, ctx.cfg.evmNetwork, "evm", chains.evm.chainId));
  if (chains.wasm) writeBook(ctx.cfg.root, deriveBook(journal, ctx.cfg.wasm.name, "wasm", ctx.cfg.wasm.chainId));
}

function refused(err: unknown, t: StackTarget, ctx: Ctx): Error {
  let detail = (err as Error).message?.split("\n")[0] ?? String(err);
  if (t.stack === "evm") {
    const d = specErrorOf(ctx.plan.spec.component(t.component), err);
    if (d) detail = `${d.code} ${d.name}`;
  }
  return rbError(
    RB.CHAIN_REFUSED,
    `${t.component} (${t.stack}): the chain refused the rollback: ${detail}`,
    "see the error; run the command again to resume",
    false,
    err,
  );
}

/** Reads what runs now; the step's readback. */
async function running(ctx: Ctx, chains: Chains, t: StackTarget): Promise<string | undefined> {
  if (t.stack === "evm")
    return getAddress(await proxyImplementation(chains.evm!.chain, ctx.sync.evm.contracts[t.component]));
  return String((await chains.wasm!.contractInfo(ctx.sync.wasm.contracts[t.component]))?.codeId);
}

function newRun(): string {
  return `${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}-${randomBytes(3).toString("hex")}`;
}

function emergencySteps(ctx: Ctx, chains: Chains, targets: StackTarget[]): Step[] {
  return targets.map((t): Step => {
    const evm = t.stack === "evm";
    const readback = async (): Promise<StepData | undefined> =>
      (await running(ctx, chains, t)) === t.to ? record(ctx, t, { reason: ctx.reason }) : undefined;
    return {
      id: `${t.stack}:${t.component}:emergency-rollback`,
      stack: t.stack,
      network: evm ? ctx.cfg.evmNetwork : ctx.cfg.wasm.name,
      describe: evm
        ? `${t.component}.emergencyRollback(${t.to}) (${t.label}), pausing`
        : `timelock emergency_rollback ${t.component} → code ${t.to} (version ${t.label}), pausing`,
      intent: () => Promise.resolve({ from: t.from, to: t.to }),
      probe: readback,
      run: async (_intent, hooks) => {
        let tx: string | undefined;
        let gasUsed: string | undefined;
        try {
          if (evm) {
            const chain: EvmChain = chains.evm!.chain;
            const proxy = evmAt(chain, ctx.sync.evm.contracts[t.component], evmContractOf(ctx, t.component));
            const r = await chain.send({
              to: proxy,
              fn: "emergencyRollback",
              args: [t.to, ctx.reason],
              from: chains.evmSigner!,
              gasLimit: "estimate",
              returnValue: false,
            });
            tx = r.hash;
            gasUsed = r.gasUsed.toString();
          } else {
            const r = await chains.wasm!.execute({
              contract: ctx.sync.wasm.contracts.timelock,
              sender: chains.wasmSigner!,
              msg: {
                emergency_rollback: {
                  contract_addr: ctx.sync.wasm.contracts[t.component],
                  code_id: Number(t.to),
                  reason: ctx.reason,
                },
              },
            });
            tx = r.tx?.hash;
            gasUsed = String(r.gas.used);
          }
        } catch (err) {
          throw refused(err, t, ctx);
        }
        hooks.sent();
        const back = await readback();
        if (!back)
          throw rbError(
            RB.READBACK,
            `${t.component} (${t.stack}): sent (${tx}) but the chain does not run ${t.to}`,
            undefined,
            false,
          );
        return { ...back, record: { ...(back.record as object), tx }, tx, gasUsed };
      },
    };
  });
}

async function checksumsOf(chains: Chains, targets: StackTarget[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of targets) if (t.stack === "wasm") out.set(t.to, await chains.wasm!.codeChecksum(Number(t.to)));
  return out;
}

function printTargets(ctx: Ctx, what: string, targets: StackTarget[]): void {
  ctx.log(`${what} on ${ctx.cfg.evmNetwork}+${ctx.cfg.wasm.name}:`);
  for (const t of targets)
    ctx.log(`  ${t.component} (${t.stack}): ${t.from} → ${t.to}${t.label ? ` (${t.label})` : ""}`);
}

/** The EMERGENCY key's rollback: pause and return at once to an approved version. */
export async function emergencyRollback(
  hre: HardhatRuntimeEnvironment,
  opts: RollbackOptions = {},
): Promise<RollbackResult> {
  const ctx = prepare(hre, opts, true);
  const names = chosen(ctx);
  const chains = await openChains(hre, ctx, true);
  try {
    const targets = await resolveTargets(ctx, chains, names, "emergency");
    printTargets(ctx, `emergency rollback (reason: ${ctx.reason})`, targets);
    const journal = Journal.open(journalFile(ctx.cfg));
    const start = runIdOf({ procedure: "emergency-rollback", journal, newRun });
    const steps = emergencySteps(ctx, chains, targets);
    if (ctx.dryRun) {
      await runProcedure({
        procedure: "emergency-rollback",
        journal,
        start,
        newRun,
        steps,
        dryRun: true,
        log: ctx.log,
      });
      return { run: start.run, targets };
    }
    const lock = new LockFile(path.join(ctx.cfg.pairDir, "journal.lock"));
    lock.acquire();
    try {
      const checksums = await checksumsOf(chains, targets);
      const summary = await runProcedure({
        procedure: "emergency-rollback",
        journal,
        start,
        newRun,
        steps,
        log: ctx.log,
        begin: { reason: ctx.reason, targets },
        passThrough: (e) => e instanceof Error && e.name === "ToolError",
        afterStep: () => writeRecords(ctx, journal, chains, [], checksums),
        finish: () => {
          writeRecords(ctx, journal, chains, targets, checksums);
          return { targets };
        },
      });
      for (const t of targets)
        ctx.log(`  read back: ${t.component} (${t.stack}) runs ${await running(ctx, chains, t)}, paused`);
      return { run: summary.run, targets };
    } finally {
      lock.release();
    }
  } finally {
    await chains.close();
  }
}

/** Governance's rollback: propose on both timelocks, execute once ready, verify, record. */
export async function governanceRollback(
  hre: HardhatRuntimeEnvironment,
  opts: RollbackOptions = {},
): Promise<RollbackResult> {
  const ctx = prepare(hre, opts, true);
  const names = chosen(ctx);
  const chains = await openChains(hre, ctx, false);
  let targets: StackTarget[];
  let checksums: Map<string, string>;
  try {
    targets = await resolveTargets(ctx, chains, names, "governance");
    checksums = await checksumsOf(chains, targets);
  } finally {
    await chains.close();
  }
  printTargets(ctx, "rollback through governance", targets);
  const reason = envString("VAGUS_REASON", ctx.env) ?? "rollback";
  const ops = names.map((name) => {
    const e = targets.find((t) => t.component === name && t.stack === "evm");
    const w = targets.find((t) => t.component === name && t.stack === "wasm");
    return {
      component: name,
      operation: "upgrade",
      args: {
        ...(e ? { evm: { implementation: e.to } } : {}),
        ...(w ? { wasm: { code_id: Number(w.to), msg: { rollback: w.label, reason } } } : {}),
      },
    };
  });
  const journal = Journal.open(journalFile(ctx.cfg));
  const start = runIdOf({ procedure: "rollback", journal, newRun });
  let proposal = (journal.outcome(start.run, "propose")?.data as { proposal?: string } | undefined)?.proposal;
  const readChains = async () => openChains(hre, ctx, false);
  const steps: Step[] = [
    {
      id: "propose",
      stack: "local",
      network: path.basename(ctx.cfg.pairDir),
      describe: `propose ${ops.map((o) => `${o.component}.upgrade`).join(", ")} on the ${ctx.stacks.join(" + ")} timelock(s)`,
      intent: () => Promise.resolve({}),
      probe: () => Promise.resolve(undefined),
      run: async () => {
        const r = await proposeOperations(hre, ops, {
          stacks: ctx.stacks,
          description: `rollback ${targets.map((t) => `${t.component}/${t.stack} → ${t.to}`).join(", ")}: ${reason}`,
          env: ctx.env,
          log: (l) => ctx.log(`    ${l}`),
        });
        proposal = r.id;
        return { proposal: r.id };
      },
    },
    {
      id: "execute",
      stack: "local",
      network: path.basename(ctx.cfg.pairDir),
      describe: "execute the proposal once ready",
      intent: () => Promise.resolve({ proposal }),
      probe: () => Promise.resolve(undefined),
      run: async () => {
        const [st] = await proposalStatus(hre, proposal);
        const left = Math.max(0, ...st.stacks.map((s) => s.secondsLeft ?? 0));
        if (left > MAX_WAIT_S) {
          const eta = Math.max(...st.stacks.map((s) => s.eta ?? 0));
          throw rbError(
            RB.NOT_READY,
            `proposal ${proposal} is scheduled; it is ready at ${new Date(eta * 1000).toISOString()} (${left} s from now)`,
            `run the same command again after that time: it resumes, executes, verifies and records (or: npx hardhat vagus:gov execute ${proposal} --network ${ctx.cfg.evmNetwork})`,
            false,
          );
        }
        await executeProposal(hre, proposal!, {
          waitUntilReady: true,
          recordVersions: false,
          env: ctx.env,
          log: (l: string) => ctx.log(`    ${l}`),
        });
        return { proposal };
      },
    },
    ...targets.map((t): Step => ({
      id: `${t.stack}:${t.component}:read-back`,
      stack: t.stack,
      network: t.stack === "evm" ? ctx.cfg.evmNetwork : ctx.cfg.wasm.name,
      describe: `read back ${t.component} (${t.stack}) = ${t.to} and record it`,
      intent: () => Promise.resolve({}),
      probe: () => Promise.resolve(undefined),
      run: async () => {
        const c = await readChains();
        try {
          const now = await running(ctx, c, t);
          if (now !== t.to)
            throw rbError(
              RB.READBACK,
              `${t.component} (${t.stack}) runs ${now} after the proposal, not ${t.to}`,
              undefined,
              false,
            );
        } finally {
          await c.close();
        }
        return record(ctx, t, { proposal, reason });
      },
    })),
  ];
  if (ctx.dryRun) {
    await runProcedure({ procedure: "rollback", journal, start, newRun, steps, dryRun: true, log: ctx.log });
    return { run: start.run, targets };
  }
  const lock = new LockFile(path.join(ctx.cfg.pairDir, "journal.lock"));
  lock.acquire();
  let summary;
  try {
    const c = await readChains();
    try {
      summary = await runProcedure({
        procedure: "rollback",
        journal,
        start,
        newRun,
        steps,
        log: ctx.log,
        begin: { reason, targets },
        passThrough: (e) =>
          e instanceof Error && e.name === "ToolError" && (e as { code?: number }).code === RB.NOT_READY,
        finish: () => {
          writeRecords(ctx, journal, c, targets, checksums);
          return { targets, proposal };
        },
      });
    } finally {
      await c.close();
    }
  } finally {
    lock.release();
  }
  const evm = await evmEndpointFromHre(hre);
  const report = await verifyDeployment(ctx.cfg, evm).finally(() => evm.chain.close());
  ctx.log(renderReport(report));
  if (!report.ok)
    throw rbError(
      RB.VERIFY_FAILED,
      "the rolled-back deployment does not verify against the local artifacts (table above)",
      "build the artifacts of the version rolled back to, or check the failed rows",
      false,
    );
  return { run: summary.run, targets, proposal, verified: true };
}

/**
 * Records what each component runs now on both stacks (after an upgrade executed through
 * governance, for example), so the address books' history holds every version.
 * `evmArtifacts`: the contract name of an implementation the book does not know yet.
 */
export async function recordActiveVersions(
  hre: HardhatRuntimeEnvironment,
  components: string[],
  opts: RollbackOptions & { evmArtifacts?: Record<string, string>; note?: string } = {},
): Promise<StackTarget[]> {
  const ctx = prepare(
    hre,
    { ...opts, env: { ...(opts.env ?? process.env), VAGUS_COMPONENT: "", VAGUS_COMPONENTS: "", VAGUS_TO: "" } },
    false,
  );
  const chains = await openChains(hre, ctx, false);
  try {
    const journal = Journal.open(journalFile(ctx.cfg));
    const targets: StackTarget[] = [];
    for (const name of components) {
      for (const stack of ctx.stacks) {
        const probe: StackTarget = { stack, component: name, from: "", to: "" };
        const now = await running(ctx, chains, probe);
        if (!now) continue;
        const entry = entryOf(ctx, stack, name);
        let label: string | undefined;
        if (stack === "evm") {
          label = opts.evmArtifacts?.[now] ?? (entry && evmRecordOf(entry, now)?.artifact) ?? undefined;
          if (!label) {
            const contract = evmContractOf(ctx, name);
            if (codeMatchesArtifact(await chains.evm!.chain.code(now), readEvmArtifactWithImmutables(contract)))
              label = contract;
          }
          // Without a contract name the book would carry the previous one forward, and a later
          // rollback's storage-layout check would compare the wrong layouts: not recorded.
          if (!label) {
            ctx.log(`${name} (evm): ${now} matches no known contract; not recorded (give the upgrade's evm.artifact)`);
            continue;
          }
          readEvmArtifact(label);
        }
        targets.push({ ...probe, to: now, label });
      }
    }
    const run = newRun();
    journal.append({ deployment: run, phase: "begin", data: { procedure: "record-versions", note: opts.note } });
    for (const t of targets)
      journal.append({
        deployment: run,
        phase: "result",
        step: `${t.stack}:${t.component}:version`,
        network: t.stack === "evm" ? ctx.cfg.evmNetwork : ctx.cfg.wasm.name,
        data: record(ctx, t, opts.note ? { note: opts.note } : {}),
      });
    journal.append({ deployment: run, phase: "complete", data: {} });
    writeRecords(ctx, journal, chains, targets, await checksumsOf(chains, targets));
    return targets;
  } finally {
    await chains.close();
  }
}
