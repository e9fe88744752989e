import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { hasEvmArtifact, type EvmChain } from "../chains/evm";
import type { WasmChain } from "../chains/wasm";
import { ToolError } from "../cli/errors";
import { envString } from "../cli/flags";
import { evmAt } from "../deploy/evm";
import { configFromHre, connectWasmChain, evmEndpointFromHre } from "../deployment/endpoints";
import { atomicWriteJson } from "../deployment/fsx";
import { resolvePlan, type Plan } from "../deployment/plan";
import {
  AddressBook,
  canonFromScenario,
  fromEvm,
  fromWasm,
  snakeCase,
  stableJson,
  toEvm,
  toWasm,
  type Canon,
} from "../equivalence/canon";
import { resultObject } from "../equivalence/stacks";
import type { Component, SpecOperation } from "../spec";
import { deploymentBlock, requireSync } from "./roles";

/**
 * `npx hardhat vagus:snapshot --network <net> [--out file] [--targets file]`: both stacks'
 * observable state — every query of every component that both stacks answer, for every
 * executor, pair and token named in the targets file or found in the components' events —
 * in the equivalence engine's canonical text form (addresses as `@@Component` references,
 * so the two stacks' values compare as text), with a sha256 digest per component and
 * stack. Exit 1 when a component's digests differ: the runbook's "verify cross-chain
 * equivalence" after a recovery.
 */

export const SNAPSHOT_ERRORS = {
  BAD_TARGETS: 16020,
} as const;

/** `--targets`: values in the scenario text form (executor ids as numbers, action ids 0x hex). */
export interface Targets {
  executors: (number | string)[];
  pairs: { executorId: number | string; actionId: string }[];
  tokens: (number | string)[];
  actions: string[];
}

export interface Snapshot {
  network: { evm: string; wasm: string };
  deployment: string;
  targets: Targets;
  components: Record<
    string,
    {
      evm: Record<string, Canon>;
      wasm: Record<string, Canon>;
      digest: { evm: string; wasm: string };
      equal: boolean;
      differences: string[];
    }
  >;
  ok: boolean;
}

const ARG_SOURCES: Record<string, keyof Targets | "pair"> = {
  executorId: "executors",
  tokenId: "tokens",
  actionId: "actions",
};

export function readTargets(file: string | undefined): Targets {
  const empty: Targets = { executors: [], pairs: [], tokens: [], actions: [] };
  if (!file) return empty;
  if (!existsSync(file)) throw new ToolError(SNAPSHOT_ERRORS.BAD_TARGETS, `--targets ${file} does not exist`);
  let raw: Partial<Targets>;
  try {
    raw = JSON.parse(readFileSync(file, "utf8")) as Partial<Targets>;
  } catch (err) {
    throw new ToolError(SNAPSHOT_ERRORS.BAD_TARGETS, `--targets ${file}: ${(err as Error).message}`);
  }
  const out = { ...empty, ...raw };
  const bad = Object.keys(raw).filter((k) => !(k in empty));
  if (bad.length > 0)
    throw new ToolError(
      SNAPSHOT_ERRORS.BAD_TARGETS,
      `--targets ${file}: unknown key(s) ${bad.join(", ")} (executors, pairs, tokens, actions)`,
    );
  for (const k of Object.keys(empty) as (keyof Targets)[]) {
    if (!Array.isArray(out[k]))
      throw new ToolError(SNAPSHOT_ERRORS.BAD_TARGETS, `--targets ${file}: ${k} must be a list`);
  }
  return out;
}

/** Adds what the EVM components' events name (executor, action, token ids) to the targets. */
async function targetsFromEvents(
  chain: EvmChain,
  plan: Plan,
  addrs: Record<string, string>,
  from: number,
  t: Targets,
): Promise<void> {
  const contracts = plan.components.filter((c) => addrs[c.name]);
  for (const c of contracts) evmAt(chain, addrs[c.name], c.evm.contract);
  const head = await chain.height();
  for (let b = from; b <= head; b += 5_000) {
    const logs = await chain.logs({
      fromBlock: b,
      toBlock: Math.min(head, b + 4_999),
      addresses: contracts.map((c) => addrs[c.name]),
    });
    for (const l of logs) {
      const executor = idText(l.args.executorId);
      const action = idText(l.args.actionId);
      const token = idText(l.args.tokenId);
      if (executor !== undefined) t.executors.push(executor);
      if (token !== undefined) t.tokens.push(token);
      if (action !== undefined) t.actions.push(action);
      if (executor !== undefined && action !== undefined) t.pairs.push({ executorId: executor, actionId: action });
    }
  }
}

/** An id argument of a decoded event (ethers: bigint or hex string) as text. */
function idText(v: unknown): string | undefined {
  return typeof v === "bigint" || typeof v === "number" || typeof v === "string" ? String(v) : undefined;
}

function dedupe(t: Targets): Targets {
  const uniq = <T>(xs: T[]) => [...new Map(xs.map((x) => [stableJson(x).toLowerCase(), x])).values()];
  return {
    executors: uniq(t.executors.map(String)),
    pairs: uniq(t.pairs.map((p) => ({ executorId: String(p.executorId), actionId: String(p.actionId).toLowerCase() }))),
    tokens: uniq(t.tokens.map(String)),
    actions: uniq(t.actions.map((a) => String(a).toLowerCase())),
  };
}

/** The queries of a component both stacks answer, with every argument set the targets give. */
export function queriesFor(c: Component, t: Targets): { op: SpecOperation; args: Record<string, unknown> }[] {
  const out: { op: SpecOperation; args: Record<string, unknown> }[] = [];
  for (const op of c.operations) {
    if (op.kind !== "query" || (op.stacks !== undefined && op.stacks.length < 2)) continue;
    const names = op.args.map((a) => a.name);
    if (names.length === 0) out.push({ op, args: {} });
    else if (names.length === 2 && names[0] === "executorId" && names[1] === "actionId")
      for (const p of t.pairs) out.push({ op, args: { executorId: p.executorId, actionId: p.actionId } });
    else if (names.length === 1 && ARG_SOURCES[names[0]] && ARG_SOURCES[names[0]] !== "pair") {
      for (const v of t[ARG_SOURCES[names[0]] as keyof Targets] as unknown[]) {
        try {
          canonFromScenario(c, op.args[0].type, v);
        } catch {
          continue;
        }
        out.push({ op, args: { [names[0]]: v } });
      }
    }
  }
  return out;
}

function keyOf(q: { op: SpecOperation; args: Record<string, unknown> }): string {
  return `${q.op.name}${q.op.args.length ? stableJson(q.args) : ""}`;
}

async function readEvm(
  chain: EvmChain,
  c: Component,
  address: string,
  contract: string,
  book: AddressBook,
  qs: ReturnType<typeof queriesFor>,
) {
  evmAt(chain, address, contract);
  const out: Record<string, Canon> = {};
  for (const q of qs) {
    try {
      const values = q.op.args.map((a) => toEvm(c, a.type, q.args[a.name], book));
      const res = await chain.call({ to: address, fn: q.op.name, args: values });
      out[keyOf(q)] = resultObject(c, q.op.returns ?? [], (r, i) => fromEvm(c, r.type, res[i], book));
    } catch (err) {
      out[keyOf(q)] = { error: codeOf(err) };
    }
  }
  return out;
}

async function readWasm(
  chain: WasmChain,
  c: Component,
  address: string,
  book: AddressBook,
  qs: ReturnType<typeof queriesFor>,
) {
  const out: Record<string, Canon> = {};
  for (const q of qs) {
    const body: Record<string, unknown> = {};
    for (const a of q.op.args) body[snakeCase(a.name)] = toWasm(c, a.type, q.args[a.name], book);
    try {
      const answer = await chain.query<unknown>(address, { [snakeCase(q.op.name)]: body });
      const returns = q.op.returns ?? [];
      out[keyOf(q)] = resultObject(c, returns, (r) => {
        if (returns.length === 1 && c.isStruct(r.type)) return fromWasm(c, r.type, answer, book);
        const obj = answer as Record<string, unknown>;
        const v =
          returns.length === 1 && (obj === null || typeof obj !== "object" || !(snakeCase(r.name) in obj))
            ? answer
            : obj[snakeCase(r.name)];
        return fromWasm(c, r.type, v, book);
      });
    } catch (err) {
      out[keyOf(q)] = { error: codeOf(err) };
    }
  }
  return out;
}

/** A failed read compares by its spec code (both stacks refuse the same way). */
function codeOf(err: unknown): string {
  const m = /vagus:(\d{4})/.exec(String((err as Error)?.message ?? err));
  const code = (err as { code?: unknown })?.code;
  return typeof code === "number" ? String(code) : (m?.[1] ?? "uncoded");
}

function digest(v: unknown): string {
  return createHash("sha256").update(stableJson(v)).digest("hex");
}

export async function takeSnapshot(
  hre: HardhatRuntimeEnvironment,
  opts: { targetsFile?: string } = {},
): Promise<Snapshot> {
  const targetsFile = opts.targetsFile ?? envString("VAGUS_SNAPSHOT_TARGETS");
  const given = readTargets(targetsFile ? path.resolve(targetsFile) : undefined);
  const cfg = configFromHre(hre, process.env, { requireKey: false });
  const sync = requireSync(cfg);
  const plan = resolvePlan(cfg.params, { has: (n) => hasEvmArtifact(n) });
  const book = new AddressBook();
  for (const name of Object.keys(sync.evm.contracts)) {
    if (sync.wasm.contracts[name]) book.set(`@@${name}`, sync.evm.contracts[name], sync.wasm.contracts[name]);
  }
  const evm = await evmEndpointFromHre(hre);
  const wasm = await connectWasmChain(cfg, { signer: false, step: "snapshot" });
  try {
    const found: Targets = {
      executors: [...given.executors],
      pairs: [...given.pairs],
      tokens: [...given.tokens],
      actions: [...given.actions],
    };
    await targetsFromEvents(evm.chain, plan, sync.evm.contracts, deploymentBlock(cfg), found);
    const targets = dedupe(found);
    const components: Snapshot["components"] = {};
    for (const p of plan.components) {
      const e = sync.evm.contracts[p.name];
      const w = sync.wasm.contracts[p.name];
      if (!e || !w) continue;
      const qs = queriesFor(p.component, targets);
      const onEvm = await readEvm(evm.chain, p.component, e, p.evm.contract, book, qs);
      const onWasm = await readWasm(wasm, p.component, w, book, qs);
      const differences = Object.keys(onEvm).filter((k) => stableJson(onEvm[k]) !== stableJson(onWasm[k]));
      const d = { evm: digest(onEvm), wasm: digest(onWasm) };
      components[p.name] = { evm: onEvm, wasm: onWasm, digest: d, equal: d.evm === d.wasm, differences };
    }
    return {
      network: { evm: cfg.evmNetwork, wasm: cfg.wasm.name },
      deployment: sync.deployment,
      targets,
      components,
      ok: Object.values(components).every((c) => c.equal),
    };
  } finally {
    await wasm.close();
    await evm.chain.close();
  }
}

export function writeSnapshot(file: string, s: Snapshot): void {
  atomicWriteJson(path.resolve(file), s);
}

export function renderSnapshot(s: Snapshot): string {
  const lines = [
    `snapshot of deployment ${s.deployment}: ${s.targets.executors.length} executor(s), ${s.targets.pairs.length} pair(s), ${s.targets.tokens.length} token(s)`,
  ];
  for (const [name, c] of Object.entries(s.components)) {
    lines.push(
      `  ${c.equal ? "equal    " : "DIFFERENT"}  ${name.padEnd(18)} ${Object.keys(c.evm).length} reads  sha256 ${c.digest.evm.slice(0, 16)}${c.equal ? "" : ` / ${c.digest.wasm.slice(0, 16)}`}`,
    );
    for (const k of c.differences)
      lines.push(`      ${k}: evm ${stableJson(c.evm[k])} / wasm ${stableJson(c.wasm[k])}`);
  }
  lines.push(s.ok ? "snapshot: both stacks are equal, component by component" : "snapshot: the stacks DIFFER");
  return lines.join("\n");
}
