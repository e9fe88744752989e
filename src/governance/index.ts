import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";

import { getAddress, isAddress, keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { EvmChainError, type EvmChain } from "../chains/evm";
import type { WasmChain } from "../chains/wasm";
import { ToolError } from "../cli/errors";
import { evmAt, evmView, TIMELOCK_ROLES } from "../deploy/evm";
import { accountResolver, type DeployConfig } from "../deployment/config";
import { ConfigError, DeployError } from "../deployment/errors";
import { configFromHre, connectWasmChain, evmEndpointFromHre } from "../deployment/endpoints";
import { atomicWriteJson, LockFile } from "../deployment/fsx";
import { Journal } from "../deployment/journal";
import { readSync } from "../deployment/sync";
import { runIdOf, runProcedure } from "../procedure/runner";
import type { Step, StepData } from "../procedure/steps";
import { loadSpec, specErrorOf } from "../spec";
import { GOV, govError } from "./errors";
import { safeBatch, timelockCalldata, unsignedWasmTx } from "./export";
import {
  encodeOperation,
  STACKS,
  validateOperation,
  type Deployed,
  type EncodedOperation,
  type GovOperation,
  type Stack,
} from "./operations";
import { listRecords, pairDir, readRecord, writeRecord, type ProposalRecord, type StackProposal } from "./record";

/**
 * Governance proposals on both timelocks (EVM `VagusTimelock`, CosmWasm `vagus-timelock`):
 * propose the spec's ADMIN operations by spec name on both stacks at once, follow them
 * (status), execute them once ready, cancel them (proposers and guardians: CANCELLER).
 * Every argument is validated and both stacks' encodings are compared by their CBOR dual
 * hash before anything is sent; every transaction goes through `runProcedure` (journal
 * `governance/<pair>/journal.jsonl`, `[i/n]` lines, resume); each proposal is a record
 * `governance/<pair>/<id>.json`.
 */

export type { Stack, GovOperation, EncodedOperation } from "./operations";
export type { ProposalRecord, StackProposal } from "./record";
export { GOV } from "./errors";

export interface ProposeOptions {
  /** Default both. */
  stacks?: Stack[];
  description?: string;
  /** Write a Safe batch (EVM) and an unsigned CosmWasm tx for a multisig proposer; send nothing. */
  exportDir?: string;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface CommonOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** What a proposal is on one chain now. */
export type ChainState = "unscheduled" | "pending" | "ready" | "done" | "cancelled";

export interface ProposalStatus {
  id: string;
  description: string;
  operations: string[];
  stacks: {
    stack: Stack;
    state: ChainState;
    operationId: string;
    eta?: number;
    /** Seconds until Ready (0 when ready or later). */
    secondsLeft?: number;
  }[];
}

const OPERATION_STATE = ["Unset", "Waiting", "Ready", "Done"] as const;
const TIMELOCK_CONTRACT = "VagusTimelock";
const ZERO32 = "00".repeat(32);

// ---------------------------------------------------------------------------------------
// Context: the chains, signers and deployed addresses of the network pair
// ---------------------------------------------------------------------------------------

interface EvmSide {
  chain: EvmChain;
  network: string;
  chainId: string;
  signer: string;
  timelock: string;
}

interface WasmSide {
  chain: WasmChain;
  network: string;
  chainId: string;
  /** Undefined when opened read-only. */
  signer?: string;
  timelock: string;
}

interface Ctx {
  cfg: DeployConfig;
  pair: string;
  env: NodeJS.ProcessEnv;
  log: (l: string) => void;
  deployed: Deployed;
  evm?: EvmSide;
  wasm?: WasmSide;
  close(): Promise<void>;
}

/** `--stacks` / `stacks`: a non-empty subset of evm, wasm. */
export function parseStacks(v: readonly string[] | undefined): Stack[] {
  if (v === undefined || v.length === 0) return [...STACKS];
  const bad = v.filter((s) => !STACKS.includes(s as Stack));
  if (bad.length > 0)
    throw govError(GOV.USAGE, `--stacks: unknown stack(s) ${bad.join(", ")}`, "use evm, wasm or evm,wasm");
  return STACKS.filter((s) => v.includes(s));
}

/** The deployed addresses of the pair (sync file), checked before any chain is opened. */
function deployedOf(cfg: DeployConfig, stacks: readonly Stack[]): Deployed {
  const sync = readSync(cfg);
  if (!sync)
    throw govError(
      GOV.NO_DEPLOYMENT,
      `no deployment recorded for ${path.basename(cfg.pairDir)} (${cfg.pairDir}/sync.json)`,
      "deploy first: npx hardhat run scripts/deploy.ts --network <net>",
    );
  if (stacks.includes("evm") && !sync.evm.contracts.timelock)
    throw govError(GOV.NO_DEPLOYMENT, "the deployment has no EVM timelock");
  if (stacks.includes("wasm") && !(sync.wasm.timelockContract && sync.wasm.contracts.timelock))
    throw govError(
      GOV.NO_WASM_TIMELOCK,
      "the CosmWasm deployment has no timelock contract: its ADMIN is a plain governance account",
      "propose on the EVM only (--stacks evm) and send the CosmWasm call from the governance account",
    );
  return { evm: sync.evm.contracts, wasm: sync.wasm.contracts };
}

async function openContext(
  hre: HardhatRuntimeEnvironment,
  stacks: readonly Stack[],
  opts: CommonOptions & { signer: boolean; deployed?: Deployed },
): Promise<Ctx> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((l: string) => console.log(l));
  const cfg = configFromHre(hre, env, { requireKey: opts.signer && stacks.includes("wasm") });
  const deployed = opts.deployed ?? deployedOf(cfg, stacks);
  const ctx: Ctx = {
    cfg,
    pair: path.basename(cfg.pairDir),
    env,
    log,
    deployed,
    close: async () => {
      await ctx.evm?.chain.close();
      await ctx.wasm?.chain.close();
    },
  };
  try {
    if (stacks.includes("evm")) {
      const ep = await evmEndpointFromHre(hre);
      let signer = ep.deployer;
      const from = env.VAGUS_GOV_FROM?.trim();
      if (from) {
        const accounts = (await ep.chain.accounts()).map((a) => a.toLowerCase());
        if (!isAddress(from) || !accounts.includes(from.toLowerCase())) {
          await ep.chain.close();
          throw govError(
            GOV.USAGE,
            `--from ${from}: not an account of ${ep.network} (the node's unlocked accounts or the configured key)`,
          );
        }
        signer = getAddress(from);
      }
      ctx.evm = { chain: ep.chain, network: ep.network, chainId: ep.chainId, signer, timelock: deployed.evm!.timelock };
      evmAt(ep.chain, ctx.evm.timelock, TIMELOCK_CONTRACT);
    }
    if (stacks.includes("wasm")) {
      const chain = await connectWasmChain(cfg, { signer: opts.signer, env, log: (l) => log(`  cosmwasm: ${l}`) });
      ctx.wasm = {
        chain,
        network: cfg.wasm.name,
        chainId: cfg.wasm.chainId,
        signer: opts.signer ? await chain.addrMake("deployer") : undefined,
        timelock: deployed.wasm!.timelock,
      };
    }
  } catch (err) {
    await ctx.close();
    throw err;
  }
  return ctx;
}

// ---------------------------------------------------------------------------------------
// Reading the timelocks
// ---------------------------------------------------------------------------------------

const tlView = (e: EvmSide, fn: string, args: unknown[] = []) =>
  evmView(e.chain, TIMELOCK_CONTRACT, e.timelock, fn, args);

async function wasmQuery<T>(w: WasmSide, msg: unknown): Promise<T> {
  return w.chain.query<T>(w.timelock, msg);
}

/**
 * Refuses (12006, nothing sent) unless the signer holds `role` on the timelock of every
 * stack in `stacks`; names each signer that lacks it.
 */
async function requireTimelockRole(
  ctx: Ctx,
  stacks: readonly Stack[],
  role: "PROPOSER" | "EXECUTOR" | "CANCELLER",
  hint: string,
): Promise<void> {
  const lacking: string[] = [];
  for (const s of stacks) {
    const who = s === "evm" ? ctx.evm!.signer : ctx.wasm!.signer!;
    if (!(await hasTimelockRole(ctx, s, role, who))) lacking.push(`${s === "evm" ? "EVM" : "CosmWasm"} ${who}`);
  }
  if (lacking.length > 0)
    throw govError(
      GOV.MISSING_ROLE,
      `the signer is not ${role === "EXECUTOR" ? "an" : "a"} ${role} of the timelock: ${lacking.join("; ")}`,
      hint,
    );
}

async function hasTimelockRole(ctx: Ctx, stack: Stack, role: "PROPOSER" | "EXECUTOR" | "CANCELLER", account: string) {
  if (stack === "evm") {
    const e = ctx.evm!;
    const id = TIMELOCK_ROLES[role];
    if ((await tlView(e, "hasRole", [id, account])) as boolean) return true;
    return (
      role === "EXECUTOR" &&
      ((await tlView(e, "hasRole", [id, "0x0000000000000000000000000000000000000000"])) as boolean)
    );
  }
  const w = ctx.wasm!;
  const name = role.toLowerCase();
  const has = async (a: string) =>
    (await wasmQuery<{ has_role: boolean }>(w, { has_role: { role: name, account: a } })).has_role;
  if (await has(account)) return true;
  return role === "EXECUTOR" && has("*");
}

/**
 * A local EVM node (Hardhat) mines only on demand, so its latest block time stands still
 * between transactions: one empty block brings it to the wall clock before states are
 * read (as the deployment does while it waits for its timelock batch). Real chains mine
 * by themselves and are left alone.
 */
async function syncLocalClock(ctx: Ctx): Promise<void> {
  if (!ctx.evm || !ctx.cfg.evm.local) return;
  await ctx.evm.chain.mine().catch((err: unknown) => {
    if (!(err instanceof EvmChainError)) throw err;
  });
}

async function chainState(
  ctx: Ctx,
  stack: Stack,
  id: string,
): Promise<{ state: (typeof OPERATION_STATE)[number]; timestamp: number; now: number }> {
  if (stack === "evm") {
    const e = ctx.evm!;
    const s = Number(await tlView(e, "getOperationState", [id]));
    const ts = Number(await tlView(e, "getTimestamp", [id]));
    return { state: OPERATION_STATE[s], timestamp: ts, now: (await e.chain.block()).time };
  }
  const w = ctx.wasm!;
  const hex = id.replace(/^0x/, "");
  const { state } = await wasmQuery<{ state: number }>(w, { get_operation_state: { id: hex } });
  const { timestamp } = await wasmQuery<{ timestamp: string }>(w, { get_timestamp: { id: hex } });
  return { state: OPERATION_STATE[state], timestamp: Number(timestamp), now: (await w.chain.block()).time };
}

/** The chain's error as the spec names it (code + name), for a refused governance transaction. */
function refusal(err: unknown, stack: Stack, what: string): ToolError {
  let detail = (err as Error).message?.split("\n")[0] ?? String(err);
  if (stack === "evm") {
    const d = specErrorOf(loadSpec().component("Timelock"), err);
    if (d) detail = `${d.code} ${d.name}`;
  }
  return new ToolError(GOV.CHAIN_REFUSED, `${what}: the ${stack} chain refused it: ${detail}`, {
    nothingSent: false,
    hint: "see the error; the command resumes where it stopped when run again",
    cause: err,
  });
}

// ---------------------------------------------------------------------------------------
// Procedures
// ---------------------------------------------------------------------------------------

function journalOf(ctx: Ctx): { journal: Journal; lock: LockFile } {
  const dir = pairDir(ctx.pair, ctx.env);
  mkdirSync(dir, { recursive: true });
  return { journal: Journal.open(path.join(dir, "journal.jsonl")), lock: new LockFile(path.join(dir, "journal.lock")) };
}

async function sendEvm(e: EvmSide, fn: string, args: unknown[], hooks: { sent(): void }): Promise<StepData> {
  const r = await e.chain.send({
    to: evmAt(e.chain, e.timelock, TIMELOCK_CONTRACT),
    fn,
    args,
    from: e.signer,
    gasLimit: "estimate",
    returnValue: false,
  });
  hooks.sent();
  return { tx: r.hash, block: r.blockNumber, gasUsed: r.gasUsed.toString() };
}

async function sendWasm(w: WasmSide, msg: unknown, hooks: { sent(): void }): Promise<StepData> {
  const r = await w.chain.execute({ contract: w.timelock, sender: w.signer!, msg });
  hooks.sent();
  return { tx: r.tx?.hash, block: r.tx?.height, gasUsed: r.gas.used };
}

function evmBatchArgs(p: StackProposal): unknown[] {
  return [p.targets, p.values!.map((v) => BigInt(v)), p.payloads, p.predecessor, p.salt];
}

function wasmBatch(p: StackProposal) {
  return { calls: p.calls, predecessor: p.predecessor, salt: p.salt };
}

async function runSteps(
  ctx: Ctx,
  procedure: string,
  runId: string,
  steps: Step[],
  record: ProposalRecord,
  apply: (d: StepData) => void,
): Promise<void> {
  const { journal, lock } = journalOf(ctx);
  lock.acquire();
  try {
    const start = runIdOf({ procedure, journal, newRun: () => runId });
    await runProcedure({
      procedure,
      journal,
      steps,
      start,
      newRun: () => runId,
      log: ctx.log,
      begin: { proposal: record.id, pair: record.pair, stacks: record.stacks },
      apply,
      afterStep: () => writeRecord(record, ctx.env),
      crashAt: ctx.env.VAGUS_GOV_CRASH_AT,
      passThrough: (err) => err instanceof ToolError || err instanceof DeployError || err instanceof ConfigError,
      stepError: (err, step) => refusal(err, step.stack === "evm" ? "evm" : "wasm", step.describe),
    });
  } finally {
    lock.release();
  }
}

function contentKey(ops: EncodedOperation[], stacks: Stack[], description: string): string {
  const body = JSON.stringify({
    ops: ops.map((o) => ({ e: o.evm?.data, t: o.evm?.target, w: o.wasm?.call })),
    stacks,
    description,
  });
  return createHash("sha256").update(body).digest("hex");
}

function newId(key: string): string {
  const t = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  return `${t}-${key.slice(0, 8)}`;
}

function describeOps(ops: EncodedOperation[]): string {
  return ops.map((o) => `${o.component}.${o.operation}`).join(", ");
}

/**
 * Proposes `ops` as one batch on each chosen timelock (default both stacks): validates
 * every argument against the spec, compares the stacks' encodings by CBOR dual hash,
 * checks the signer holds PROPOSER (else, with `exportDir`, writes the multisig files and
 * sends nothing), schedules with the timelock's minimum delay and writes the record.
 */
export async function proposeOperations(
  hre: HardhatRuntimeEnvironment,
  ops: GovOperation[],
  opts: ProposeOptions = {},
): Promise<ProposalRecord> {
  const stacks = parseStacks(opts.stacks);
  if (ops.length === 0) throw govError(GOV.USAGE, "nothing to propose: no operation given");
  const env = opts.env ?? process.env;
  const spec = loadSpec();
  // Validate what needs no chain first: the spec, the arguments, the deployment record.
  for (const o of ops) validateOperation(spec, o);
  const cfg = configFromHre(hre, env, { requireKey: false });
  const deployed = deployedOf(cfg, stacks);
  const encoded = ops.map((o) => encodeOperation(spec, o, stacks, deployed));
  const description = opts.description ?? describeOps(encoded);
  const exporting = opts.exportDir !== undefined;

  const ctx = await openContext(hre, stacks, { ...opts, signer: !exporting, deployed });
  try {
    const key = contentKey(encoded, stacks, description);
    const procedure = `gov:propose:${key.slice(0, 16)}`;
    const { journal } = journalOf(ctx);
    const open = journal.openRun(procedure);
    const id = open?.deployment ?? newId(key);
    const salt = keccak256(toUtf8Bytes(`vagus-gov:${ctx.pair}:${id}`));
    const now = new Date().toISOString();
    const record: ProposalRecord = {
      version: 1,
      id,
      pair: ctx.pair,
      description,
      created: now,
      updated: now,
      stacks,
      operations: encoded.map(({ evm: _e, wasm: _w, ...rest }) => rest),
      state: "proposing",
    };
    if (ctx.evm) {
      const e = ctx.evm;
      const targets = encoded.map((o) => o.evm!.target);
      const values = targets.map(() => "0");
      const payloads = encoded.map((o) => o.evm!.data);
      const delay = ((await tlView(e, "getMinDelay")) as bigint).toString();
      const operationId = (await tlView(e, "hashOperationBatch", [
        targets,
        values,
        payloads,
        ZeroHash,
        salt,
      ])) as string;
      record.evm = {
        network: e.network,
        chainId: e.chainId,
        timelock: e.timelock,
        operationId,
        predecessor: ZeroHash,
        salt,
        delay,
        targets,
        values,
        payloads,
        calldata: timelockCalldata("scheduleBatch", [targets, values, payloads, ZeroHash, salt, BigInt(delay)]),
        txs: {},
        state: "unscheduled",
      };
    }
    if (ctx.wasm) {
      const w = ctx.wasm;
      const calls = encoded.map((o) => o.wasm!.call);
      const wsalt = salt.slice(2);
      const { min_delay } = await wasmQuery<{ min_delay: string }>(w, { get_min_delay: {} });
      const { id: operationId } = await wasmQuery<{ id: string }>(w, {
        hash_operation_batch: { calls, predecessor: ZERO32, salt: wsalt },
      });
      record.wasm = {
        network: w.network,
        chainId: w.chainId,
        timelock: w.timelock,
        operationId,
        predecessor: ZERO32,
        salt: wsalt,
        delay: min_delay,
        calls,
        msg: { schedule_batch: { calls, predecessor: ZERO32, salt: wsalt, delay: min_delay } },
        txs: {},
        state: "unscheduled",
      };
    }

    if (exporting) return exportProposal(ctx, record, opts.exportDir!);

    // The signer must be a proposer on every chosen stack; else nothing is sent.
    await requireTimelockRole(
      ctx,
      [...(ctx.evm ? (["evm"] as const) : []), ...(ctx.wasm ? (["wasm"] as const) : [])],
      "PROPOSER",
      "sign as a proposer (--from / VAGUS_WASM_KEY_FILE), or write the multisig files with --export <dir>",
    );

    ctx.log(`proposal ${id}${open ? " (resuming)" : ""}: ${description} on ${stacks.join(" + ")} (${ctx.pair})`);
    for (const o of encoded)
      if (o.paramsHash)
        ctx.log(`  ${o.component}.${o.operation}: parameters sha256 ${o.paramsHash.sha256} on both stacks`);
    const steps: Step[] = [];
    if (ctx.evm && record.evm) {
      const e = ctx.evm;
      const p = record.evm;
      steps.push({
        id: "evm:schedule",
        stack: "evm",
        network: e.network,
        describe: `EVM timelock.scheduleBatch(${encoded.length} call(s), delay ${p.delay}s) → ${p.operationId}`,
        probeFirst: true,
        intent: () => Promise.resolve({ operation: p.operationId, from: e.signer }),
        probe: async () =>
          (await tlView(e, "isOperation", [p.operationId]))
            ? { stack: "evm", operation: p.operationId, already: true }
            : undefined,
        run: async (_i, hooks) => ({
          stack: "evm",
          ...(await sendEvm(e, "scheduleBatch", [...evmBatchArgs(p), BigInt(p.delay)], hooks)),
        }),
      });
    }
    if (ctx.wasm && record.wasm) {
      const w = ctx.wasm;
      const p = record.wasm;
      steps.push({
        id: "wasm:schedule",
        stack: "wasm",
        network: w.network,
        describe: `CosmWasm timelock schedule_batch(${encoded.length} call(s), delay ${p.delay}s) → ${p.operationId}`,
        probeFirst: true,
        intent: () => Promise.resolve({ operation: p.operationId, from: w.signer }),
        probe: async () =>
          (await wasmQuery<{ is_operation: boolean }>(w, { is_operation: { id: p.operationId } })).is_operation
            ? { stack: "wasm", operation: p.operationId, already: true }
            : undefined,
        run: async (_i, hooks) => ({ stack: "wasm", ...(await sendWasm(w, p.msg, hooks)) }),
      });
    }
    writeRecord(record, ctx.env);
    await runSteps(ctx, procedure, id, steps, record, (d) => {
      const stack = d.stack as Stack;
      const p = record[stack]!;
      p.state = "scheduled";
      if (typeof d.tx === "string") p.txs.schedule = d.tx;
      if (!d.already) p.proposer = stack === "evm" ? ctx.evm!.signer : ctx.wasm!.signer;
    });
    for (const s of stacks) {
      const p = record[s]!;
      const st = await chainState(ctx, s, p.operationId);
      if (st.timestamp > 1) p.eta = st.timestamp;
    }
    record.state = "proposed";
    const file = writeRecord(record, ctx.env);
    const etas = stacks.map((s) => `${s} ${new Date(record[s]!.eta! * 1000).toISOString()}`).join(", ");
    ctx.log(`proposal ${id} scheduled; ready at ${etas}; record ${path.relative(process.cwd(), file)}`);
    ctx.log(`  execute with: npx hardhat vagus:gov execute ${id} --network ${ctx.cfg.evmNetwork}`);
    return record;
  } finally {
    await ctx.close();
  }
}

/** `--export`: the multisig files, the record (state `exported`); nothing is sent. */
function exportProposal(ctx: Ctx, record: ProposalRecord, dir: string): ProposalRecord {
  mkdirSync(dir, { recursive: true });
  const gov = ctx.cfg.params.governance;
  if (record.evm) {
    const p = record.evm;
    const file = path.resolve(dir, `${record.id}.evm.safe-batch.json`);
    atomicWriteJson(
      file,
      safeBatch({
        chainId: p.chainId,
        safe: gov.evm.proposers[0] ?? "",
        name: `vagus:gov ${record.id}`,
        description: `${record.description} — schedule on the EVM timelock ${p.timelock} (operation ${p.operationId}, delay ${p.delay}s)`,
        calls: [
          {
            timelock: p.timelock,
            fn: "scheduleBatch",
            args: [p.targets, p.values, p.payloads, p.predecessor, p.salt, p.delay],
          },
        ],
      }),
    );
    p.exported = file;
    ctx.log(`EVM: Safe Transaction Builder batch ${file}`);
  }
  if (record.wasm) {
    const p = record.wasm;
    const resolve = accountResolver(ctx.cfg, ctx.env);
    let sender = gov.wasm.proposers[0] ?? "";
    try {
      sender = resolve(sender);
    } catch {
      // an @account reference without the localnet's accounts file stays as written
    }
    const file = path.resolve(dir, `${record.id}.wasm.unsigned-tx.json`);
    atomicWriteJson(
      file,
      unsignedWasmTx({
        sender,
        contract: p.timelock,
        msgs: [p.msg],
        memo: `vagus:gov ${record.id}`,
        gasPrice: ctx.cfg.wasm.gasPrice,
      }),
    );
    p.exported = file;
    ctx.log(`CosmWasm: unsigned tx ${file} (sign with: wasmd tx sign ${path.basename(file)} --from <multisig> ...)`);
  }
  record.state = "exported";
  const file = writeRecord(record, ctx.env);
  ctx.log(`proposal ${record.id} exported (nothing sent); record ${path.relative(process.cwd(), file)}`);
  ctx.log(
    `  once the multisig has scheduled it: npx hardhat vagus:gov status ${record.id} --network ${ctx.cfg.evmNetwork}`,
  );
  return record;
}

/** Status of one proposal, or of every proposal of the pair, read from the chains. */
export async function proposalStatus(
  hre: HardhatRuntimeEnvironment,
  id?: string,
  opts: CommonOptions = {},
): Promise<ProposalStatus[]> {
  const env = opts.env ?? process.env;
  const cfg = configFromHre(hre, env, { requireKey: false });
  const pair = path.basename(cfg.pairDir);
  const records = id ? [readRecord(pair, id, env)] : listRecords(pair, env);
  if (records.length === 0) return [];
  const stacks = STACKS.filter((s) => records.some((r) => r.stacks.includes(s)));
  const ctx = await openContext(hre, stacks, { ...opts, signer: false, deployed: deployedOf(cfg, stacks) });
  try {
    await syncLocalClock(ctx);
    const out: ProposalStatus[] = [];
    for (const r of records) out.push(await statusOf(ctx, r));
    return out;
  } finally {
    await ctx.close();
  }
}

async function statusOf(ctx: Ctx, r: ProposalRecord): Promise<ProposalStatus> {
  const rows: ProposalStatus["stacks"] = [];
  for (const s of r.stacks) {
    const p = r[s]!;
    const st = await chainState(ctx, s, p.operationId);
    let state: ChainState;
    if (st.state === "Done") state = "done";
    else if (st.state === "Ready") state = "ready";
    else if (st.state === "Waiting") state = "pending";
    else state = p.state === "scheduled" || p.state === "cancelled" ? "cancelled" : "unscheduled";
    const eta = st.timestamp > 1 ? st.timestamp : p.eta;
    rows.push({
      stack: s,
      state,
      operationId: p.operationId,
      eta,
      secondsLeft: state === "pending" && eta ? Math.max(0, eta - st.now) : state === "ready" ? 0 : undefined,
    });
  }
  return {
    id: r.id,
    description: r.description,
    operations: r.operations.map((o) => `${o.component}.${o.operation}`),
    stacks: rows,
  };
}

/**
 * Executes a proposal on every stack where it is not done yet. Before the eta on any
 * stack: coded error 12007 and nothing sent (or, with `waitUntilReady`, waits).
 */
export async function executeProposal(
  hre: HardhatRuntimeEnvironment,
  id: string,
  opts: CommonOptions & {
    waitUntilReady?: boolean;
    /** Record what an executed `upgrade` installed in the address books (default true; the
     *  rollback command records its own outcome). */
    recordVersions?: boolean;
  } = {},
): Promise<ProposalRecord> {
  const env = opts.env ?? process.env;
  const cfg = configFromHre(hre, env, { requireKey: false });
  const record = readRecord(path.basename(cfg.pairDir), id, env);
  const ctx = await openContext(hre, record.stacks, {
    ...opts,
    signer: true,
    deployed: deployedOf(cfg, record.stacks),
  });
  try {
    const todo: Stack[] = [];
    for (;;) {
      await syncLocalClock(ctx);
      todo.length = 0;
      const waiting: string[] = [];
      for (const s of record.stacks) {
        const p = record[s]!;
        const st = await chainState(ctx, s, p.operationId);
        if (st.state === "Done") {
          p.state = "done";
          continue;
        }
        if (st.state === "Unset")
          throw govError(
            GOV.WRONG_STATE,
            `proposal ${id} is ${p.state === "unscheduled" ? "not scheduled" : "cancelled"} on the ${s} timelock (operation ${p.operationId})`,
            p.state === "unscheduled"
              ? "the multisig schedules it first (the exported files), or propose again"
              : "propose it again",
          );
        if (st.state === "Waiting")
          waiting.push(
            `${s}: ready at ${new Date(st.timestamp * 1000).toISOString()}, ${st.timestamp - st.now} s left`,
          );
        todo.push(s);
      }
      if (waiting.length === 0) break;
      if (!opts.waitUntilReady)
        throw govError(
          GOV.NOT_READY,
          `proposal ${id} is not ready (${waiting.join("; ")})`,
          "run execute again after the eta (vagus:gov status shows the time left)",
        );
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (todo.length === 0) {
      record.state = "executed";
      writeRecord(record, ctx.env);
      ctx.log(`proposal ${id} is already executed on ${record.stacks.join(" + ")}`);
      return record;
    }
    await requireTimelockRole(ctx, todo, "EXECUTOR", "sign as an executor");

    const steps: Step[] = todo.map((s) => stackStep(ctx, record, s, "execute"));
    ctx.log(`proposal ${id}: executing on ${todo.join(" + ")}`);
    await runSteps(ctx, `gov:execute:${id}`, `${id}:execute`, steps, record, (d) => {
      const p = record[d.stack as Stack]!;
      p.state = "done";
      if (typeof d.tx === "string") p.txs.execute = d.tx;
      if (!d.already) p.executor = d.stack === "evm" ? ctx.evm!.signer : ctx.wasm!.signer;
    });
    record.state = record.stacks.every((s) => record[s]!.state === "done") ? "executed" : "partial";
    writeRecord(record, ctx.env);
    ctx.log(`proposal ${id} executed on ${todo.join(" + ")}`);
  } finally {
    await ctx.close();
  }
  if (opts.recordVersions !== false) await recordUpgrades(hre, record, env, opts.log ?? ((l) => console.log(l)));
  return record;
}

/**
 * After an executed `upgrade`: what each upgraded component runs now, read from the chains,
 * goes to the deployment journal and the address books (their history keeps every version,
 * which the rollback's default target and storage-layout check read). The EVM contract name
 * comes from the operation's `evm.artifact`, else from the plan's contract when the code
 * matches it.
 */
async function recordUpgrades(
  hre: HardhatRuntimeEnvironment,
  record: ProposalRecord,
  env: NodeJS.ProcessEnv,
  log: (l: string) => void,
): Promise<void> {
  const ups = record.operations.filter((o) => o.operation === "upgrade");
  if (ups.length === 0) return;
  const evmArtifacts: Record<string, string> = {};
  for (const u of ups) {
    const e = (u.args as { evm?: { implementation?: string; artifact?: string } }).evm;
    if (e?.implementation && e.artifact) evmArtifacts[getAddress(e.implementation)] = e.artifact;
  }
  // A dynamic import: the rollback module builds on this one.
  const { recordActiveVersions } = await import("../rollback");
  const done = await recordActiveVersions(hre, [...new Set(ups.map((u) => u.component))], {
    env: { ...env, VAGUS_STACKS: record.stacks.join(",") },
    evmArtifacts,
    note: `proposal ${record.id}`,
    log,
  });
  for (const t of done)
    log(`recorded ${t.component} (${t.stack}): ${t.to}${t.label ? ` (${t.label})` : ""} in the address book`);
}

/** One execute / cancel transaction on one stack, probed on chain so a resumed run never repeats it. */
function stackStep(ctx: Ctx, record: ProposalRecord, s: Stack, verb: "execute" | "cancel"): Step {
  const p = record[s]!;
  const doneState = verb === "execute" ? "Done" : "Unset";
  const probe = async () => {
    const st = await chainState(ctx, s, p.operationId);
    return st.state === doneState ? { stack: s, operation: p.operationId, already: true } : undefined;
  };
  if (s === "evm") {
    const e = ctx.evm!;
    return {
      id: `evm:${verb}`,
      stack: "evm",
      network: e.network,
      describe: `EVM timelock.${verb === "execute" ? "executeBatch" : "cancel"}(${p.operationId})`,
      probeFirst: true,
      intent: () => Promise.resolve({ stack: s, operation: p.operationId, from: e.signer }),
      probe,
      run: async (_i, hooks) => ({
        stack: s,
        ...(await sendEvm(
          e,
          verb === "execute" ? "executeBatch" : "cancel",
          verb === "execute" ? evmBatchArgs(p) : [p.operationId],
          hooks,
        )),
      }),
    };
  }
  const w = ctx.wasm!;
  return {
    id: `wasm:${verb}`,
    stack: "wasm",
    network: w.network,
    describe: `CosmWasm timelock ${verb === "execute" ? "execute_batch" : "cancel"}(${p.operationId})`,
    probeFirst: true,
    intent: () => Promise.resolve({ stack: s, operation: p.operationId, from: w.signer }),
    probe,
    run: async (_i, hooks) => ({
      stack: s,
      ...(await sendWasm(
        w,
        verb === "execute" ? { execute_batch: wasmBatch(p) } : { cancel: { id: p.operationId } },
        hooks,
      )),
    }),
  };
}

/**
 * Operation ids given instead of a proposal id (a proposal scheduled outside the toolkit,
 * seen in the chains' `CallScheduled` events): `0x` + 64 hex digits is the EVM timelock's,
 * 64 bare hex digits the CosmWasm timelock's; comma- or space-separated, one per stack.
 */
export function operationIdsOf(text: string): Partial<Record<Stack, string>> | undefined {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0 || !parts.every((p) => /^(0x)?[0-9a-fA-F]{64}$/.test(p))) return undefined;
  const out: Partial<Record<Stack, string>> = {};
  for (const p of parts) {
    const stack: Stack = p.startsWith("0x") ? "evm" : "wasm";
    if (out[stack]) throw govError(GOV.USAGE, `two ${stack} operation ids given: one per stack`);
    out[stack] = p.toLowerCase();
  }
  return out;
}

/** A record for operations scheduled outside the toolkit, so their cancellation is recorded too. */
function foreignRecord(pair: string, ops: Partial<Record<Stack, string>>, env: NodeJS.ProcessEnv): ProposalRecord {
  const existing = listRecords(pair, env).find((r) =>
    STACKS.every((s) => (ops[s] ?? "") === (r[s]?.operationId ?? "").toLowerCase()),
  );
  if (existing) return existing;
  const id = newId(createHash("sha256").update(JSON.stringify(ops)).digest("hex"));
  const now = new Date().toISOString();
  const stacks = STACKS.filter((s) => ops[s]);
  const r: ProposalRecord = {
    version: 1,
    id,
    pair,
    description: "operations scheduled outside vagus:gov (cancelled by operation id)",
    created: now,
    updated: now,
    stacks,
    operations: [],
    state: "proposed",
  };
  for (const s of stacks)
    r[s] = {
      network: "",
      chainId: "",
      timelock: "",
      operationId: ops[s]!,
      predecessor: "",
      salt: "",
      delay: "",
      txs: {},
      state: "unscheduled",
    };
  return r;
}

/**
 * Cancels a pending proposal on every stack where it is Waiting or Ready. The signer
 * needs CANCELLER: the proposers have it, and so does every governance guardian.
 */
export async function cancelProposal(
  hre: HardhatRuntimeEnvironment,
  id: string,
  opts: CommonOptions = {},
): Promise<ProposalRecord> {
  const env = opts.env ?? process.env;
  const cfg = configFromHre(hre, env, { requireKey: false });
  const pair = path.basename(cfg.pairDir);
  const ops = operationIdsOf(id);
  const record = ops ? foreignRecord(pair, ops, env) : readRecord(pair, id, env);
  const ctx = await openContext(hre, record.stacks, {
    ...opts,
    signer: true,
    deployed: deployedOf(cfg, record.stacks),
  });
  try {
    const todo: Stack[] = [];
    for (const s of record.stacks) {
      const p = record[s]!;
      const st = await chainState(ctx, s, p.operationId);
      if (st.state === "Done")
        throw govError(
          GOV.WRONG_STATE,
          `proposal ${id} is already executed on the ${s} timelock; it cannot be cancelled`,
          "propose the reverse change",
        );
      if (st.state === "Unset") {
        if (p.state === "scheduled") p.state = "cancelled";
        continue;
      }
      todo.push(s);
    }
    if (todo.length === 0) {
      if (record.stacks.every((s) => record[s]!.state === "cancelled")) {
        record.state = "cancelled";
        writeRecord(record, ctx.env);
        ctx.log(`proposal ${id} is already cancelled`);
        return record;
      }
      throw govError(GOV.WRONG_STATE, `proposal ${id} is not scheduled on any timelock; nothing to cancel`);
    }
    await requireTimelockRole(ctx, todo, "CANCELLER", "sign as a guardian or a proposer");
    ctx.log(`proposal ${id}: cancelling on ${todo.join(" + ")}`);
    await runSteps(
      ctx,
      `gov:cancel:${id}`,
      `${id}:cancel`,
      todo.map((s) => stackStep(ctx, record, s, "cancel")),
      record,
      (d) => {
        const p = record[d.stack as Stack]!;
        p.state = "cancelled";
        if (typeof d.tx === "string") p.txs.cancel = d.tx;
        if (!d.already) p.canceller = d.stack === "evm" ? ctx.evm!.signer : ctx.wasm!.signer;
      },
    );
    record.state = record.stacks.every((s) => record[s]!.state === "cancelled") ? "cancelled" : "partial";
    writeRecord(record, ctx.env);
    ctx.log(`proposal ${id} cancelled on ${todo.join(" + ")}`);
    return record;
  } finally {
    await ctx.close();
  }
}
