import { existsSync, readFileSync } from "node:fs";

import { startJsonRpcEvm, type EvmChain } from "../chains/evm";
import { CosmjsChain, type WasmChain } from "../chains/wasm";
import { connectWasmChain } from "../deployment/endpoints";
import { expandPath, type DeployConfig } from "../deployment/config";
import { readSync, syncFile, type SyncFile } from "../deployment/sync";
import { evmAt, evmView } from "../deploy/evm";
import { loadPlanFile } from "../deployment/plan";
import { loadSpec } from "../spec";
import { ToolError } from "../cli/errors";

/**
 * What the emergency commands act on, resolved and checked before anything is sent: the
 * pausable components of the recorded deployment on each stack, the EMERGENCY key of each
 * stack (the plan's GUARDIAN), and the chains opened with that key.
 */

export type Stack = "evm" | "wasm";
export const STACKS: readonly Stack[] = ["evm", "wasm"];

/** Error codes of the emergency commands (docs/error-codes.md, "14xxx emergency pause"). */
export const E = {
  UNKNOWN_COMPONENT: 14001,
  BAD_EXECUTOR: 14002,
  MISSING_KEY: 14003,
  NOT_GUARDIAN: 14004,
  NO_DEPLOYMENT: 14005,
  UNKNOWN_EXECUTOR: 14006,
  BAD_FLAGS: 14007,
  NOT_PAUSED: 14008,
  STEP_FAILED: 14009,
  BAD_PLAN: 14010,
  STAGE_NOT_UNPAUSED: 14011,
  DRILL_NOT_LOCAL: 14012,
} as const;

/** `CapabilityIssuer` → `capability-issuer` (the governance library's component names). */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}

/**
 * The components a pause covers, issuer first (it alone stops issuance; the rest follow in
 * the deployment plan's order). Every plan component has the frame's pause except the
 * timelock, which is not a plan component.
 */
export function pausableComponents(): string[] {
  const spec = loadSpec();
  const names = loadPlanFile()
    .components.map((c) => c.spec)
    .filter((n) => spec.component(n).operations.some((o) => o.name === "emergencyPause"));
  return ["CapabilityIssuer", ...names.filter((n) => n !== "CapabilityIssuer")];
}

/** Resolves `--components` (spec or kebab names, any case) against the pausable list. */
export function resolveComponents(requested: string[] | undefined): string[] {
  const all = pausableComponents();
  if (!requested) return all;
  const byKey = new Map<string, string>();
  for (const n of all) {
    byKey.set(n.toLowerCase(), n);
    byKey.set(kebab(n), n);
  }
  const unknown = requested.filter((r) => !byKey.has(r.toLowerCase()));
  if (unknown.length > 0) {
    throw new ToolError(E.UNKNOWN_COMPONENT, `unknown component ${unknown.map((u) => JSON.stringify(u)).join(", ")}`, {
      hint: `use spec or kebab names: ${all.map(kebab).join(", ")}`,
    });
  }
  const chosen = new Set(requested.map((r) => byKey.get(r.toLowerCase())!));
  return all.filter((n) => chosen.has(n));
}

/** `--executor`: a positive uint64 in decimal. */
export function parseExecutorId(raw: string): bigint {
  if (!/^[0-9]{1,20}$/.test(raw) || BigInt(raw) === 0n || BigInt(raw) > 2n ** 64n - 1n) {
    throw new ToolError(E.BAD_EXECUTOR, `--executor ${JSON.stringify(raw)} is not an executor id (1 ..= 2^64 - 1)`);
  }
  return BigInt(raw);
}

/** `--stacks`: evm, wasm or both (default both). */
export function parseStacks(requested: string[] | undefined): Stack[] {
  if (!requested) return [...STACKS];
  const bad = requested.filter((s) => !STACKS.includes(s as Stack));
  if (bad.length > 0 || requested.length === 0)
    throw new ToolError(E.BAD_FLAGS, `--stacks ${requested.join(",")}: use evm, wasm or evm,wasm`);
  return STACKS.filter((s) => requested.includes(s));
}

/** The recorded deployment, or a coded error naming where it was looked for. */
export function deploymentOf(cfg: DeployConfig, components: string[], stacks: Stack[]): SyncFile {
  const sync = readSync(cfg);
  if (!sync) {
    throw new ToolError(E.NO_DEPLOYMENT, `no deployment recorded for ${cfg.evmNetwork}+${cfg.wasm.name}`, {
      hint: `expected ${syncFile(cfg)} (deploy first, or set VAGUS_DEPLOYMENTS_DIR)`,
    });
  }
  const missing = stacks.flatMap((s) => components.filter((c) => !sync[s].contracts[c]).map((c) => `${s} ${c}`));
  if (missing.length > 0) {
    throw new ToolError(E.NO_DEPLOYMENT, `not in the recorded deployment: ${missing.join(", ")}`, {
      hint: `see ${syncFile(cfg)}`,
    });
  }
  return sync;
}

/** One stack's side of an emergency command: the chain opened with the EMERGENCY key. */
export interface EvmSide {
  stack: "evm";
  chain: EvmChain;
  account: string;
  keySource: string;
}
export interface WasmSide {
  stack: "wasm";
  chain: WasmChain;
  account: string;
  keySource: string;
}
export type Side = EvmSide | WasmSide;

const HEX_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

/**
 * The EVM EMERGENCY key: `VAGUS_EMERGENCY_EVM_KEY` (hex private key); on a local network
 * without it, the plan's first EVM guardian among the node's unlocked accounts.
 */
export async function openEvmSide(
  cfg: DeployConfig,
  url: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<EvmSide> {
  const key = env.VAGUS_EMERGENCY_EVM_KEY?.trim();
  if (key && !HEX_KEY.test(key)) throw new ToolError(E.MISSING_KEY, "VAGUS_EMERGENCY_EVM_KEY is not a 32-byte hex key");
  if (!key && !cfg.evm.local) {
    throw new ToolError(E.MISSING_KEY, `no EMERGENCY key for ${cfg.evmNetwork}`, {
      hint: "set VAGUS_EMERGENCY_EVM_KEY to the guardian's private key",
    });
  }
  if (!url) throw new ToolError(E.NO_DEPLOYMENT, `network ${cfg.evmNetwork} has no RPC URL (use --network localhost)`);
  const chain = await startJsonRpcEvm({ url, privateKeys: key ? [key] : undefined }).catch((err: unknown) => {
    throw new ToolError(E.STEP_FAILED, `cannot reach the EVM network ${cfg.evmNetwork}`, {
      hint: cfg.evm.local ? "start the localnets: npm run localnet:up" : "check the network's RPC URL",
      cause: err,
    });
  });
  const accounts = await chain.accounts();
  if (key) return { stack: "evm", chain, account: accounts[0], keySource: "env VAGUS_EMERGENCY_EVM_KEY" };
  const guardian = cfg.params.governance.evm.guardians[0];
  const account = accounts.find((a) => a.toLowerCase() === guardian?.toLowerCase());
  if (!account) {
    await chain.close();
    throw new ToolError(
      E.MISSING_KEY,
      `the plan's EVM guardian ${guardian ?? "(none)"} is not an account of the node`,
      {
        hint: "set VAGUS_EMERGENCY_EVM_KEY",
      },
    );
  }
  return { stack: "evm", chain, account, keySource: "the node's unlocked guardian account" };
}

/**
 * The CosmWasm EMERGENCY key: `VAGUS_EMERGENCY_MNEMONIC`, or the file named by
 * `VAGUS_EMERGENCY_KEY_FILE`; on a local network without either, the localnet's
 * `guardian` test key. Never printed: only where it came from is.
 */
export async function openWasmSide(cfg: DeployConfig, env: NodeJS.ProcessEnv): Promise<WasmSide> {
  let mnemonic = env.VAGUS_EMERGENCY_MNEMONIC?.trim();
  let keySource = "env VAGUS_EMERGENCY_MNEMONIC";
  if (!mnemonic) {
    const file = env.VAGUS_EMERGENCY_KEY_FILE
      ? expandPath(env.VAGUS_EMERGENCY_KEY_FILE, env)
      : cfg.wasm.local
        ? expandPath("${VAGUS_LOCALNET_DIR:-.localnet}/wasm/keys/guardian.mnemonic", env)
        : undefined;
    if (!file || !existsSync(file)) {
      throw new ToolError(E.MISSING_KEY, `no EMERGENCY key for ${cfg.wasm.name}`, {
        hint: "set VAGUS_EMERGENCY_MNEMONIC or VAGUS_EMERGENCY_KEY_FILE (a file holding the guardian's mnemonic)",
      });
    }
    mnemonic = readFileSync(file, "utf8").trim();
    keySource = `key file ${file}`;
  }
  const chain = await CosmjsChain.connect({
    rpc: cfg.wasm.rpc,
    chainId: cfg.wasm.chainId,
    prefix: cfg.wasm.prefix,
    gasPrice: cfg.wasm.gasPrice,
    signers: [{ name: "emergency", mnemonic }],
  }).catch((err: unknown) => {
    throw new ToolError(E.STEP_FAILED, `cannot connect to ${cfg.wasm.name} at ${cfg.wasm.rpc}`, {
      hint: cfg.wasm.local ? "start the localnets: npm run localnet:up" : `check ${cfg.wasm.rpcEnv ?? "the RPC URL"}`,
      cause: err instanceof Error ? new Error(err.message.replace(mnemonic ?? "", "<key>")) : undefined,
    });
  });
  return { stack: "wasm", chain, account: chain.address("emergency"), keySource };
}

/** Read-only sides (no key): what the staged unpause reads back between its stages. */
export async function openReadSides(cfg: DeployConfig, url: string | undefined, stacks: Stack[]): Promise<Side[]> {
  const sides: Side[] = [];
  try {
    for (const s of stacks) {
      if (s === "evm") {
        if (!url) throw new ToolError(E.NO_DEPLOYMENT, `network ${cfg.evmNetwork} has no RPC URL`);
        sides.push({ stack: "evm", chain: await startJsonRpcEvm({ url }), account: "", keySource: "read-only" });
      } else {
        const chain = await connectWasmChain(cfg, { signer: false, step: "unpause" });
        sides.push({ stack: "wasm", chain, account: "", keySource: "read-only" });
      }
    }
  } catch (err) {
    await Promise.all(sides.map((x) => x.chain.close()));
    throw err;
  }
  return sides;
}

/** Reads `paused()` of a component on one stack. */
export async function isPaused(side: Side, sync: SyncFile, component: string): Promise<boolean> {
  const address = sync[side.stack].contracts[component];
  if (side.stack === "evm") return Boolean(await evmView(side.chain, component, address, "paused"));
  return (await side.chain.query<{ paused: boolean }>(address, { paused: {} })).paused;
}

/** Reads whether one executor is paused on the issuer, and whether it is registered. */
export async function executorInfo(
  side: Side,
  sync: SyncFile,
  executorId: bigint,
): Promise<{ registered: boolean; paused: boolean }> {
  const address = sync[side.stack].contracts.CapabilityIssuer;
  if (side.stack === "evm") {
    const info = (await evmView(side.chain, "CapabilityIssuer", address, "executor", [executorId])) as {
      registered: boolean;
      paused: boolean;
    };
    return { registered: Boolean(info.registered), paused: Boolean(info.paused) };
  }
  const info = await side.chain.query<{ registered: boolean; paused: boolean }>(address, {
    executor: { executor_id: executorId.toString() },
  });
  return { registered: info.registered, paused: info.paused };
}

/** Whether `account` holds `role` (spec key) on a component of one stack. */
export async function holdsRole(
  side: Side,
  sync: SyncFile,
  component: string,
  roleKey: "GUARDIAN" | "ADMIN",
): Promise<boolean> {
  const role = loadSpec().role(roleKey);
  const address = sync[side.stack].contracts[component];
  if (side.stack === "evm")
    return Boolean(await evmView(side.chain, component, address, "hasRole", [role.evmId, side.account]));
  const r = await side.chain.query<{ has_role: boolean }>(address, {
    has_role: { role: role.wasm, account: side.account },
  });
  return r.has_role;
}

/** Sends one frame or issuer call from the EMERGENCY key; resolves with the tx and its gas. */
export async function sendAs(
  side: Side,
  sync: SyncFile,
  component: string,
  call: { evm: { fn: string; args?: unknown[] }; wasm: Record<string, unknown> },
): Promise<{ tx: string; gasUsed: string }> {
  const address = sync[side.stack].contracts[component];
  if (side.stack === "evm") {
    const r = await side.chain.send({
      to: evmAt(side.chain, address, component),
      fn: call.evm.fn,
      args: call.evm.args ?? [],
      from: side.account,
    });
    return { tx: r.hash, gasUsed: r.gasUsed.toString() };
  }
  const r = await side.chain.execute({ contract: address, sender: side.account, msg: call.wasm });
  return { tx: r.tx?.hash ?? "", gasUsed: String(r.gas.used) };
}
