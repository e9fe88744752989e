import { getAddress, ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { hasEvmArtifact, type EvmChain } from "../chains/evm";
import type { WasmChain } from "../chains/wasm";
import { ToolError } from "../cli/errors";
import { envList } from "../cli/flags";
import { evmAt, TIMELOCK_ROLES } from "../deploy/evm";
import { readBook } from "../deployment/address-book";
import { accountResolver, emergencyHolders, type DeployConfig } from "../deployment/config";
import { configFromHre, connectWasmChain, evmEndpointFromHre } from "../deployment/endpoints";
import { resolvePlan, type Plan } from "../deployment/plan";
import { readSync, syncFile, type SyncFile } from "../deployment/sync";

/**
 * The access-control review (`npx hardhat vagus:roles`): every holder of every role on
 * every component and timelock of both stacks, plus who may upgrade each contract, read
 * from the chains and compared with the plan (deploy/plan.json, the parameters file's
 * governance section). EVM holders are the RoleGranted/RoleRevoked events since the
 * deployment block folded in order (OpenZeppelin's AccessControl keeps no list); CosmWasm
 * holders come from the frame's `role_holders` query, page by page.
 */

export type Stack = "evm" | "wasm";

/** One (contract, role, holder) of the review. */
export interface RoleRow {
  stack: Stack;
  /** Logical name: a component (`RateLimiter`) or `timelock`. */
  component: string;
  contract: string;
  /** Spec key (`ADMIN`, `GUARDIAN`, timelock `PROPOSER`...), `CHAIN_ADMIN` (CosmWasm
   *  chain-level admin: may migrate), `UPGRADER` (EVM: may upgrade the UUPS proxy, i.e.
   *  ADMIN), `PROXY_ADMIN` (EVM ERC-1967 admin slot, unused by UUPS), or the raw id of a
   *  role the spec does not know. */
  role: string;
  holder: string;
  /** What the plan calls the holder (`timelock`, `$CapabilityIssuer`, `governance.guardians`), if it names it. */
  plannedAs: string | undefined;
  onChain: boolean;
  planned: boolean;
  status: "ok" | "unplanned" | "missing";
}

export interface RoleReview {
  ok: boolean;
  rows: RoleRow[];
  problems: string[];
}

/** Error codes of the access review (docs/error-codes.md, 16xxx). */
export const ROLES_ERRORS = {
  NO_DEPLOYMENT: 16001,
  BAD_STACKS: 16002,
} as const;

/** ERC-1967 admin slot: keccak256("eip1967.proxy.admin") - 1. A UUPS proxy leaves it zero. */
export const ERC1967_ADMIN_SLOT = "0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103";

/** Largest block span of one `eth_getLogs` (public nodes refuse wide ranges). */
const LOG_SPAN = 5_000;
/** Page size of `role_holders` (the frame clamps to 1..100). */
const HOLDERS_PAGE = 100;

/** Key of a holder on a stack: EVM addresses compare case-insensitively. */
function norm(stack: Stack, a: string): string {
  return stack === "evm" ? a.toLowerCase() : a;
}

interface Expected {
  stack: Stack;
  component: string;
  contract: string;
  role: string;
  holder: string;
  as: string;
}

/** The holders the plan intends, per stack, with what the plan calls each. */
export function plannedHolders(
  plan: Plan,
  cfg: DeployConfig,
  sync: SyncFile,
  stacks: readonly Stack[],
  resolve: (ref: string) => string,
): Expected[] {
  const out: Expected[] = [];
  for (const stack of stacks) {
    const addrs = sync[stack].contracts;
    const gov = cfg.params.governance[stack];
    const r = stack === "wasm" ? resolve : (a: string) => a;
    const tl = addrs.timelock;
    const hasTimelock = stack === "evm" || sync.wasm.timelockContract;
    const governor = hasTimelock ? tl : r(gov.admin ?? gov.proposers[0]);
    const governorAs = hasTimelock ? "timelock" : "governance.admin";
    const push = (component: string, role: string, holder: string | undefined, as: string) => {
      if (!holder || !addrs[component]) return;
      out.push({ stack, component, contract: addrs[component], role, holder, as });
    };
    if (hasTimelock && tl) {
      // Both timelocks administer themselves (OpenZeppelin's constructor; the CosmWasm
      // timelock's instantiate): only their own operations change their roles.
      push("timelock", "ADMIN", tl, "timelock");
      for (const p of gov.proposers) {
        push("timelock", "PROPOSER", r(p), "governance.proposers");
        push("timelock", "CANCELLER", r(p), "governance.proposers");
      }
      // Guardians cancel a malicious queued operation on both timelocks.
      for (const g of gov.guardians) push("timelock", "CANCELLER", r(g), "governance.guardians");
      for (const e of gov.executors) push("timelock", "EXECUTOR", r(e), "governance.executors");
      if (stack === "wasm") push("timelock", "CHAIN_ADMIN", tl, "timelock");
    }
    for (const c of plan.components) {
      push(c.name, "ADMIN", governor, governorAs);
      if (stack === "evm") push(c.name, "UPGRADER", governor, governorAs);
      else push(c.name, "CHAIN_ADMIN", governor, governorAs);
      if (c.component.hasRole("GUARDIAN"))
        for (const g of gov.guardians) push(c.name, "GUARDIAN", r(g), "governance.guardians");
      if (c.component.hasRole("EMERGENCY"))
        for (const e of emergencyHolders(gov))
          push(c.name, "EMERGENCY", r(e), gov.emergency?.length ? "governance.emergency" : "governance.guardians");
      for (const pr of plan.roles.filter((x) => x.component === c.name)) {
        const holder = pr.to.startsWith("$") ? addrs[pr.to.slice(1)] : r(pr.to);
        push(c.name, pr.role, holder, pr.to);
      }
    }
  }
  return out;
}

interface Held {
  stack: Stack;
  component: string;
  contract: string;
  role: string;
  holder: string;
}

/** The EVM block of the deployment: the lowest block the address book recorded, else 0. */
export function deploymentBlock(cfg: DeployConfig): number {
  const book = readBook(cfg.root, cfg.evmNetwork);
  const blocks = Object.values(book?.contracts ?? {})
    .flatMap((e) => [e.block, ...e.history.map((h) => h.block)])
    .filter((b): b is number => typeof b === "number" && b >= 0);
  return blocks.length > 0 ? Math.min(...blocks) : 0;
}

/**
 * The role holders of EVM contracts from their RoleGranted/RoleRevoked events since
 * `fromBlock`, folded in chain order: contract address → role id → holders (lower case).
 */
export async function evmRoleHolders(
  chain: EvmChain,
  contracts: { address: string; artifact: string }[],
  fromBlock: number,
): Promise<Map<string, Map<string, Set<string>>>> {
  const out = new Map<string, Map<string, Set<string>>>();
  for (const c of contracts) {
    evmAt(chain, c.address, c.artifact);
    out.set(c.address.toLowerCase(), new Map());
  }
  const head = await chain.height();
  for (let from = fromBlock; from <= head; from += LOG_SPAN) {
    const logs = await chain.logs({
      fromBlock: from,
      toBlock: Math.min(head, from + LOG_SPAN - 1),
      addresses: contracts.map((c) => c.address),
    });
    for (const log of logs) {
      if (log.name !== "RoleGranted" && log.name !== "RoleRevoked") continue;
      const roles = out.get(log.address.toLowerCase());
      if (!roles) continue;
      const role = String(log.args.role).toLowerCase();
      const account = String(log.args.account).toLowerCase();
      const set = roles.get(role) ?? new Set<string>();
      if (log.name === "RoleGranted") set.add(account);
      else set.delete(account);
      roles.set(role, set);
    }
  }
  return out;
}

/** Every `(role, account)` of a CosmWasm contract, through the frame's paginated query. */
export async function wasmRoleHolders(
  chain: WasmChain,
  contract: string,
): Promise<{ role: string; account: string }[]> {
  const all: { role: string; account: string }[] = [];
  let after: { role: string; account: string } | null = null;
  for (;;) {
    const page: { holders: { role: string; account: string }[] } = await chain.query(contract, {
      role_holders: { start_after: after, limit: HOLDERS_PAGE },
    });
    all.push(...page.holders);
    if (page.holders.length < HOLDERS_PAGE) return all;
    after = page.holders[page.holders.length - 1];
  }
}

/** Spec key of an EVM role id or CosmWasm role string on a component, or the raw id. */
function roleKey(plan: Plan, component: string, stack: Stack, id: string): string {
  if (component === "timelock") {
    if (stack === "evm") {
      const hit = Object.entries(TIMELOCK_ROLES).find(([, v]) => v.toLowerCase() === id.toLowerCase());
      return hit ? (hit[0] === "DEFAULT_ADMIN" ? "ADMIN" : hit[0]) : id;
    }
    return id === plan.spec.role("ADMIN").wasm ? "ADMIN" : id.toUpperCase();
  }
  const c = plan.components.find((x) => x.name === component);
  const r = c?.component.roles.find((x) =>
    stack === "evm" ? x.evmId.toLowerCase() === id.toLowerCase() : x.wasm === id,
  );
  return r?.key ?? id;
}

async function heldOnEvm(chain: EvmChain, plan: Plan, sync: SyncFile, fromBlock: number): Promise<Held[]> {
  const names = Object.keys(sync.evm.contracts).filter(
    (n) => n === "timelock" || plan.components.some((c) => c.name === n),
  );
  const artifactOf = (n: string) =>
    n === "timelock" ? plan.timelock.evm.contract : plan.components.find((c) => c.name === n)!.evm.contract;
  const contracts = names.map((n) => ({ name: n, address: sync.evm.contracts[n], artifact: artifactOf(n) }));
  const folded = await evmRoleHolders(chain, contracts, fromBlock);
  const held: Held[] = [];
  for (const c of contracts) {
    for (const [id, set] of folded.get(c.address.toLowerCase()) ?? []) {
      const role = roleKey(plan, c.name, "evm", id);
      for (const h of set) {
        const holder = getAddress(h);
        held.push({ stack: "evm", component: c.name, contract: c.address, role, holder });
        // UUPS: whoever holds ADMIN may upgrade the proxy (`_authorizeUpgrade`).
        if (role === "ADMIN" && c.name !== "timelock")
          held.push({ stack: "evm", component: c.name, contract: c.address, role: "UPGRADER", holder });
      }
    }
    if (c.name !== "timelock") {
      const word = await chain.storageAt(c.address, ERC1967_ADMIN_SLOT);
      const admin = getAddress(`0x${word.slice(-40)}`);
      if (admin !== ZeroAddress)
        held.push({ stack: "evm", component: c.name, contract: c.address, role: "PROXY_ADMIN", holder: admin });
    }
  }
  return held;
}

async function heldOnWasm(chain: WasmChain, plan: Plan, sync: SyncFile): Promise<Held[]> {
  const held: Held[] = [];
  for (const [name, address] of Object.entries(sync.wasm.contracts)) {
    if (name !== "timelock" && !plan.components.some((c) => c.name === name)) continue;
    for (const h of await wasmRoleHolders(chain, address)) {
      held.push({
        stack: "wasm",
        component: name,
        contract: address,
        role: roleKey(plan, name, "wasm", h.role),
        holder: h.account,
      });
    }
    if (name === "timelock") {
      // The open executor is a flag of the CosmWasm timelock, not a table entry.
      const open = await chain.query<{ has_role: boolean }>(address, { has_role: { role: "executor", account: "*" } });
      if (open.has_role)
        held.push({ stack: "wasm", component: name, contract: address, role: "EXECUTOR", holder: "*" });
    }
    const info = await chain.contractInfo(address);
    if (info?.admin)
      held.push({ stack: "wasm", component: name, contract: address, role: "CHAIN_ADMIN", holder: info.admin });
  }
  return held;
}

/** Compares what the chains hold with what the plan intends; pure, for tests. */
export function compareHolders(held: Held[], expected: Expected[]): RoleReview {
  const key = (x: { stack: Stack; component: string; role: string; holder: string }) =>
    `${x.stack}|${x.component}|${x.role}|${norm(x.stack, x.holder)}`;
  const want = new Map<string, Expected>();
  for (const e of expected) want.set(key(e), e);
  const have = new Map<string, Held>();
  for (const h of held) have.set(key(h), h);
  const rows: RoleRow[] = [];
  for (const [k, h] of have) {
    const e = want.get(k);
    rows.push({ ...h, plannedAs: e?.as, onChain: true, planned: Boolean(e), status: e ? "ok" : "unplanned" });
  }
  for (const [k, e] of want) {
    if (have.has(k)) continue;
    rows.push({
      stack: e.stack,
      component: e.component,
      contract: e.contract,
      role: e.role,
      holder: e.holder,
      plannedAs: e.as,
      onChain: false,
      planned: true,
      status: "missing",
    });
  }
  rows.sort((a, b) =>
    [a.stack, a.component, a.role, a.holder]
      .join("|")
      .localeCompare([b.stack, b.component, b.role, b.holder].join("|")),
  );
  const problems = rows
    .filter((r) => r.status !== "ok")
    .map((r) =>
      r.status === "unplanned"
        ? `${r.stack} ${r.component}: ${r.holder} holds ${r.role}, which the plan does not name`
        : `${r.stack} ${r.component}: ${r.holder} (${r.plannedAs}) should hold ${r.role} but does not`,
    );
  return { ok: problems.length === 0, rows, problems };
}

/** `--stacks` / VAGUS_STACKS, validated. */
export function stacksOf(value: string[] | undefined): Stack[] {
  if (!value || value.length === 0) return ["evm", "wasm"];
  const bad = value.filter((s) => s !== "evm" && s !== "wasm");
  if (bad.length > 0 || new Set(value).size !== value.length)
    throw new ToolError(ROLES_ERRORS.BAD_STACKS, `--stacks ${value.join(",")}: use evm, wasm or evm,wasm`);
  return value as Stack[];
}

/** The recorded deployment of the network pair, or the coded error saying how to get one. */
export function requireSync(cfg: DeployConfig): SyncFile {
  const sync = readSync(cfg);
  if (!sync)
    throw new ToolError(
      ROLES_ERRORS.NO_DEPLOYMENT,
      `no deployment recorded for ${cfg.evmNetwork}+${cfg.wasm.name} (${syncFile(cfg)} does not exist)`,
      {
        hint: `deploy first, or rebuild the records from the chains: npx hardhat vagus:recover --network ${cfg.evmNetwork}`,
      },
    );
  return sync;
}

/**
 * Every holder of every role on every contract and timelock of the deployment, read from
 * the chains and compared with the plan. `ok` is false on any holder the plan does not
 * name and on any planned holder missing; `problems` says each in a line.
 */
export async function reviewRoles(
  hre: HardhatRuntimeEnvironment,
  opts: { stacks?: Stack[]; env?: NodeJS.ProcessEnv } = {},
): Promise<RoleReview> {
  const env = opts.env ?? process.env;
  const stacks = opts.stacks ?? stacksOf(envList("VAGUS_STACKS", env));
  const cfg = configFromHre(hre, env, { requireKey: false });
  const sync = requireSync(cfg);
  const plan = resolvePlan(cfg.params, { has: (n) => hasEvmArtifact(n) });
  const resolve = accountResolver(cfg, env);
  const expected = plannedHolders(plan, cfg, sync, stacks, resolve);
  const held: Held[] = [];
  if (stacks.includes("evm")) {
    const evm = await evmEndpointFromHre(hre);
    try {
      held.push(...(await heldOnEvm(evm.chain, plan, sync, deploymentBlock(cfg))));
    } finally {
      await evm.chain.close();
    }
  }
  if (stacks.includes("wasm")) {
    const wasm = await connectWasmChain(cfg, { signer: false, env, step: "roles" });
    try {
      held.push(...(await heldOnWasm(wasm, plan, sync)));
    } finally {
      await wasm.close();
    }
  }
  return compareHolders(held, expected);
}

/** The review as an aligned table, one line per holder, problems last. */
export function renderRoles(r: RoleReview): string {
  const short = (a: string) => (a.length > 20 ? `${a.slice(0, 10)}…${a.slice(-6)}` : a);
  const head = ["status", "stack", "component", "role", "holder", "plan"];
  const rows = r.rows.map((x) => [
    x.status === "ok" ? "ok" : x.status.toUpperCase(),
    x.stack,
    x.component,
    x.role,
    x.holder.length > 44 ? short(x.holder) : x.holder,
    x.plannedAs ?? "-",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [
    line(head),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    r.ok
      ? `roles: all ${r.rows.length} holders are the plan's`
      : `roles: ${r.problems.length} problem(s):\n${r.problems.map((p) => `  - ${p}`).join("\n")}`,
  ].join("\n");
}
