import path from "node:path";
import { readFileSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { startJsonRpcEvm, type EvmChain } from "../chains/evm";
import { CosmjsChain, type WasmChain } from "../chains/wasm";
import { evmAt } from "../deploy/evm";
import { expandPath, readJsonFile, type DeployConfig } from "../deployment/config";
import { configFromHre, evmEndpointFromHre } from "../deployment/endpoints";
import { Journal } from "../deployment/journal";
import { readSync, type SyncFile } from "../deployment/sync";
import {
  fromEvm,
  fromWasm,
  loadSpec,
  snakeCase,
  specErrorOf,
  toEvmArg,
  toWasm,
  type Component,
  type Spec,
  type SpecOperation,
} from "../spec";
import { INCIDENT, incidentError } from "./errors";
import type { Stack } from "./input";

/**
 * The two stacks as the incident commands see them: spec operations by spec name and
 * spec argument names, sent from the guardian key (or read with none), answers in the
 * spec's value conventions. Built on src/chains only.
 */

export type Value = unknown;

export interface PairRef {
  executorId: bigint;
  actionId: string;
}

function scanDepth(env: NodeJS.ProcessEnv): number {
  const raw = env.VAGUS_INCIDENT_SCAN?.trim();
  const n = raw ? Number(raw) : 10_000;
  if (!Number.isSafeInteger(n) || n < 1)
    throw incidentError(INCIDENT.USAGE, `VAGUS_INCIDENT_SCAN=${raw}: not a positive integer`);
  return n;
}

export interface SentTx {
  tx: string;
  gasUsed: string;
}

export interface Side {
  stack: Stack;
  network: string;
  /** The account transactions go from (the guardian), when the command sends. */
  signer?: string;
  /** The component's address on this stack, or a NO_DEPLOYMENT error. */
  address(component: string): string;
  query(component: string, op: string, args?: Record<string, Value>): Promise<Value>;
  send(component: string, op: string, args: Record<string, Value>): Promise<SentTx>;
  hasRole(component: string, role: string, account: string): Promise<boolean>;
  /**
   * The (executorId, actionId) pairs named by `event` of `component` in recent history:
   * the last `VAGUS_INCIDENT_SCAN` blocks / heights (default 10,000).
   */
  pairsFromEvents(component: string, event: string, env: NodeJS.ProcessEnv): Promise<PairRef[]>;
  /** Block time, unix seconds. */
  now(): Promise<number>;
  close(): Promise<void>;
}

function resultOf(c: Component, op: SpecOperation, value: (name: string, type: string, i: number) => Value): Value {
  const returns = op.returns ?? [];
  if (returns.length === 1) return value(returns[0].name, returns[0].type, 0);
  const out: Record<string, Value> = {};
  returns.forEach((r, i) => (out[r.name] = value(r.name, r.type, i)));
  void c;
  return out;
}

function argsOf(op: SpecOperation, args: Record<string, Value>): { name: string; type: string; value: Value }[] {
  return op.args.map((a) => {
    if (!(a.name in args)) throw new Error(`${op.name}: missing argument ${a.name}`);
    return { name: a.name, type: a.type, value: args[a.name] };
  });
}

function contractOf(sync: SyncFile, stack: Stack, component: string): string {
  const a = sync[stack].contracts[component];
  if (!a)
    throw incidentError(
      INCIDENT.NO_DEPLOYMENT,
      `${component} is not deployed on the ${stack} stack of this deployment`,
      "check the deployment: npx hardhat verify-deployment --network <net>",
    );
  return a;
}

/** The chain's refusal as a coded error naming the spec error. */
export function refusal(stack: Stack, c: Component, what: string, err: unknown): Error {
  const spec = stack === "evm" ? specErrorOf(c, err) : undefined;
  const wasm = err as { code?: number; specName?: string };
  const code = spec?.code ?? wasm.code;
  const name = spec?.name ?? wasm.specName;
  const detail = code ? `${code} ${name ?? ""}`.trim() : ((err as Error).message ?? String(err)).split("\n")[0];
  return incidentError(INCIDENT.CHAIN_REFUSED, `${what}: the ${stack} chain refused it: ${detail}`, undefined, false);
}

class EvmSide implements Side {
  readonly stack = "evm" as const;
  constructor(
    readonly network: string,
    private readonly chain: EvmChain,
    private readonly sync: SyncFile,
    private readonly spec: Spec,
    readonly signer?: string,
  ) {}

  address(component: string): string {
    return evmAt(this.chain, contractOf(this.sync, "evm", component), this.spec.component(component).evmContract);
  }

  async query(component: string, opName: string, args: Record<string, Value> = {}): Promise<Value> {
    const c = this.spec.component(component);
    const op = c.operation(opName);
    const out = await this.chain.call({
      to: this.address(component),
      fn: op.name,
      args: argsOf(op, args).map((a) => toEvmArg(c, a.type, a.value)),
    });
    return resultOf(c, op, (_n, type, i) => fromEvm(c, type, out[i]));
  }

  async send(component: string, opName: string, args: Record<string, Value>): Promise<SentTx> {
    const c = this.spec.component(component);
    const op = c.operation(opName);
    try {
      const r = await this.chain.send({
        to: this.address(component),
        fn: op.name,
        args: argsOf(op, args).map((a) => toEvmArg(c, a.type, a.value)),
        from: this.signer!,
        gasLimit: "estimate",
        returnValue: false,
      });
      return { tx: r.hash, gasUsed: r.gasUsed.toString() };
    } catch (err) {
      throw refusal("evm", c, `${component}.${opName}`, err);
    }
  }

  async hasRole(component: string, role: string, account: string): Promise<boolean> {
    const c = this.spec.component(component);
    const out = await this.chain.call({
      to: this.address(component),
      fn: "hasRole",
      args: [toEvmArg(c, "role", role), account],
    });
    return out[0] === true;
  }

  async pairsFromEvents(component: string, event: string, env: NodeJS.ProcessEnv): Promise<PairRef[]> {
    const head = await this.chain.height();
    const logs = await this.chain.logs({
      fromBlock: Math.max(0, head - scanDepth(env)),
      toBlock: head,
      addresses: [this.address(component)],
    });
    return logs
      .filter((l) => l.name === event)
      .map((l) => ({
        executorId: BigInt(l.args.executorId as bigint),
        actionId: String(l.args.actionId).toLowerCase(),
      }));
  }

  async now(): Promise<number> {
    return (await this.chain.block()).time;
  }

  close(): Promise<void> {
    return this.chain.close();
  }
}

class WasmSide implements Side {
  readonly stack = "wasm" as const;
  constructor(
    readonly network: string,
    private readonly chain: WasmChain,
    private readonly sync: SyncFile,
    private readonly spec: Spec,
    readonly signer?: string,
  ) {}

  address(component: string): string {
    return contractOf(this.sync, "wasm", component);
  }

  private msg(c: Component, op: SpecOperation, args: Record<string, Value>): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const a of argsOf(op, args)) body[snakeCase(a.name)] = toWasm(c, a.type, a.value);
    return { [snakeCase(op.name)]: body };
  }

  async query(component: string, opName: string, args: Record<string, Value> = {}): Promise<Value> {
    const c = this.spec.component(component);
    const op = c.operation(opName);
    const answer = await this.chain.query<unknown>(this.address(component), this.msg(c, op, args));
    const returns = op.returns ?? [];
    return resultOf(c, op, (name, type) => {
      if (returns.length === 1 && c.isStruct(type)) return fromWasm(c, type, answer);
      const obj = answer as Record<string, unknown>;
      const bare = returns.length === 1 && (obj === null || typeof obj !== "object" || !(snakeCase(name) in obj));
      return fromWasm(c, type, bare ? answer : obj[snakeCase(name)]);
    });
  }

  async send(component: string, opName: string, args: Record<string, Value>): Promise<SentTx> {
    const c = this.spec.component(component);
    const op = c.operation(opName);
    try {
      const r = await this.chain.execute({
        contract: this.address(component),
        sender: this.signer!,
        msg: this.msg(c, op, args),
      });
      return { tx: r.tx?.hash ?? "", gasUsed: String(r.gas.used) };
    } catch (err) {
      throw refusal("wasm", c, `${component}.${opName}`, err);
    }
  }

  async hasRole(component: string, role: string, account: string): Promise<boolean> {
    const c = this.spec.component(component);
    const r = await this.chain.query<{ has_role: boolean }>(this.address(component), {
      has_role: { role: toWasm(c, "role", role), account },
    });
    return r.has_role;
  }

  async pairsFromEvents(component: string, event: string, env: NodeJS.ProcessEnv): Promise<PairRef[]> {
    const head = await this.chain.height();
    const address = this.address(component);
    const type = `wasm-${snakeCase(event)}`;
    const out: PairRef[] = [];
    for (const block of await this.chain.blockTxs(Math.max(1, head - scanDepth(env)), head)) {
      for (const tx of block.txs) {
        for (const e of tx.events) {
          if (e.type !== type) continue;
          const attr = (k: string) => e.attributes.find((a) => a.key === k)?.value;
          if (attr("_contract_address") !== address) continue;
          out.push({ executorId: BigInt(attr("executor_id") ?? "0"), actionId: `0x${attr("action_id") ?? ""}` });
        }
      }
    }
    return out;
  }

  async now(): Promise<number> {
    return (await this.chain.block()).time;
  }

  close(): Promise<void> {
    return this.chain.close();
  }
}

/** What a command runs with: the deployment, the open stacks and the journal. */
export interface Incident {
  cfg: DeployConfig;
  spec: Spec;
  sides: Side[];
  journal: Journal;
  hre: HardhatRuntimeEnvironment;
  close(): Promise<void>;
}

/**
 * The guardian's EVM key: `VAGUS_GUARDIAN_EVM_KEY` (hex private key); on a local network,
 * the params file's first EVM guardian among the node's unlocked accounts.
 */
async function evmGuardian(
  hre: HardhatRuntimeEnvironment,
  cfg: DeployConfig,
  env: NodeJS.ProcessEnv,
): Promise<{ chain: EvmChain; signer: string }> {
  const key = env.VAGUS_GUARDIAN_EVM_KEY?.trim();
  if (key) {
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key))
      throw incidentError(INCIDENT.MISSING_KEY, "VAGUS_GUARDIAN_EVM_KEY is not a 32-byte hex private key");
    const url = "url" in hre.network.config ? hre.network.config.url : "";
    const chain = await startJsonRpcEvm({ url, privateKeys: [key.startsWith("0x") ? key : `0x${key}`] });
    const [signer] = await chain.accounts();
    return { chain, signer };
  }
  const ep = await evmEndpointFromHre(hre);
  const planned = cfg.params.governance?.evm?.guardians?.[0];
  const accounts = (await ep.chain.accounts()).map((a) => a.toLowerCase());
  if (cfg.evm.local && planned && accounts.includes(planned.toLowerCase())) return { chain: ep.chain, signer: planned };
  await ep.chain.close();
  throw incidentError(
    INCIDENT.MISSING_KEY,
    `no guardian key for the EVM network ${cfg.evmNetwork}`,
    "set VAGUS_GUARDIAN_EVM_KEY to the guardian's private key (never commit it)",
  );
}

/**
 * The guardian's CosmWasm mnemonic: `VAGUS_GUARDIAN_MNEMONIC`, or the file named by
 * `VAGUS_GUARDIAN_KEY_FILE`; on the localnet, its `guardian` test account.
 */
function wasmGuardianMnemonic(cfg: DeployConfig, env: NodeJS.ProcessEnv): string {
  const m = env.VAGUS_GUARDIAN_MNEMONIC?.trim();
  if (m) return m;
  const file = env.VAGUS_GUARDIAN_KEY_FILE?.trim();
  if (file) {
    try {
      return readFileSync(path.resolve(file), "utf8").trim();
    } catch {
      throw incidentError(INCIDENT.MISSING_KEY, `VAGUS_GUARDIAN_KEY_FILE: cannot read ${file}`);
    }
  }
  if (cfg.wasm.local && cfg.wasm.accountsFile) {
    try {
      const data = readJsonFile<{ accounts: { name: string; mnemonic_file?: string }[] }>(
        expandPath(cfg.wasm.accountsFile, env),
      );
      const g = data.accounts.find((a) => a.name === "guardian");
      if (g?.mnemonic_file) return readFileSync(g.mnemonic_file, "utf8").trim();
    } catch {
      // fall through to the error below
    }
  }
  throw incidentError(
    INCIDENT.MISSING_KEY,
    `no guardian key for the CosmWasm network ${cfg.wasm.name}`,
    "set VAGUS_GUARDIAN_MNEMONIC, or VAGUS_GUARDIAN_KEY_FILE to a mode-0600 file holding it",
  );
}

/**
 * Opens the chosen stacks of the deployment of the Hardhat network in use: read-only, or
 * with the guardian key (`signer`). Everything that needs no chain (the deployment record,
 * the keys) is checked first.
 */
export async function openIncident(
  hre: HardhatRuntimeEnvironment,
  stacks: readonly Stack[],
  opts: { signer: boolean; env?: NodeJS.ProcessEnv },
): Promise<Incident> {
  const env = opts.env ?? process.env;
  const cfg = configFromHre(hre, env, { requireKey: false });
  const sync = readSync(cfg);
  if (!sync)
    throw incidentError(
      INCIDENT.NO_DEPLOYMENT,
      `no deployment recorded for ${path.basename(cfg.pairDir)} (${cfg.pairDir}/sync.json)`,
      "deploy first: npx hardhat run scripts/deploy.ts --network <net>",
    );
  const spec = loadSpec();
  const mnemonic = opts.signer && stacks.includes("wasm") ? wasmGuardianMnemonic(cfg, env) : undefined;
  const sides: Side[] = [];
  const close = async () => {
    for (const s of sides) await s.close();
  };
  try {
    if (stacks.includes("evm")) {
      if (opts.signer) {
        const g = await evmGuardian(hre, cfg, env);
        sides.push(new EvmSide(cfg.evmNetwork, g.chain, sync, spec, g.signer));
      } else {
        const ep = await evmEndpointFromHre(hre);
        sides.push(new EvmSide(cfg.evmNetwork, ep.chain, sync, spec));
      }
    }
    if (stacks.includes("wasm")) {
      const chain = await CosmjsChain.connect({
        rpc: cfg.wasm.rpc,
        chainId: cfg.wasm.chainId,
        prefix: cfg.wasm.prefix,
        gasPrice: cfg.wasm.gasPrice,
        signers: mnemonic ? [{ name: "guardian", mnemonic }] : [],
      });
      const signer = mnemonic ? await chain.addrMake("guardian") : undefined;
      sides.push(new WasmSide(cfg.wasm.name, chain, sync, spec, signer));
    }
  } catch (err) {
    await close();
    throw err;
  }
  const journal = Journal.open(path.join(cfg.pairDir, "incident", "journal.jsonl"));
  return { cfg, spec, sides, journal, hre, close };
}
