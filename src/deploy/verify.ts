import { readFileSync } from "node:fs";
import path from "node:path";

import { getAddress } from "ethers";

import {
  codeMatchesArtifact,
  ERC1967_PROXY,
  proxyImplementation,
  readEvmArtifactWithImmutables,
  type EvmChain,
} from "../chains/evm";
import { wasmChecksum, WasmChainError, type WasmChain } from "../chains/wasm";
import { commit, type CborValue } from "../cbor";
import { fromEvm, fromWasm, type Canonical } from "../spec";
import { accountResolver, emergencyHolders, type DeployConfig } from "../deployment/config";
import { DeployError } from "../deployment/errors";
import { connectWasmChain, type EvmEndpoint } from "../deployment/endpoints";
import { evmView, readEvmLink, TIMELOCK_ROLES } from "./evm";
import { Journal } from "../deployment/journal";
import { fillTemplate, resolvePlan, WASM_ARTIFACTS, type Plan } from "../deployment/plan";
import { atPath } from "./wasm";
import { journalFile, readSync, syncFile, type SyncFile } from "../deployment/sync";

/**
 * Verification of a deployment (`npm run verify:deployment`): code equals the local
 * artifacts on both stacks, roles and admins exactly as intended with no deployer power
 * left, and every component's parameters identical on both stacks and to the intended
 * ones, compared by the dual hash (sha256, keccak-256) of their canonical CBOR.
 */

export interface Check {
  stack: "evm" | "wasm" | "both";
  subject: string;
  check: string;
  expected: string;
  actual: string;
  ok: boolean;
}

export interface VerifyReport {
  checks: Check[];
  ok: boolean;
}

function short(h: string): string {
  return h.length > 14 ? `${h.slice(0, 10)}…` : h;
}

/** A canonical spec value as CBOR data; deployed parameters never hold an unset (`null`) value. */
function asCbor(v: Canonical): CborValue {
  if (v === null) throw new Error("verify: a deployed parameter is unset (null); parameters must all be set");
  if (Array.isArray(v)) return v.map(asCbor);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asCbor(x)]));
  return v;
}

function dual(v: Canonical): string {
  const c = commit(asCbor(v));
  return `sha256 ${c.sha256.slice(0, 18)} keccak ${c.keccak256.slice(0, 18)}`;
}

export async function verifyDeployment(
  cfg: DeployConfig,
  evm: EvmEndpoint,
  opts: { wasmDeployer?: string } = {},
): Promise<VerifyReport> {
  const sync = readSync(cfg);
  if (!sync) {
    throw new DeployError(`no deployment recorded for ${cfg.evmNetwork}+${cfg.wasm.name} (${syncFile(cfg)})`, {
      step: "verify",
      hint: "deploy first: npx hardhat run scripts/deploy.ts --network " + cfg.evmNetwork,
    });
  }
  const journal = Journal.open(journalFile(cfg));
  const begin = journal.entries.find((e) => e.phase === "begin" && e.deployment === sync.deployment);
  const recorded = begin?.data as { evmDeployer?: string; wasmDeployer?: string } | undefined;
  const evmDeployer = recorded?.evmDeployer ?? evm.deployer;
  const wasmDeployer = recorded?.wasmDeployer ?? opts.wasmDeployer ?? "";
  const plan = resolvePlan(cfg.params, { has: () => true });
  const checks: Check[] = [];
  const add = (c: Omit<Check, "ok"> & { ok?: boolean }) => checks.push({ ...c, ok: c.ok ?? c.expected === c.actual });

  await verifyEvm(evm.chain, plan, sync, cfg, evmDeployer, add);
  const wasm = await connectWasmChain(cfg, { signer: false, step: "verify" });
  try {
    await verifyWasm(wasm, plan, sync, cfg, wasmDeployer, add);
    await verifyLinks(evm.chain, wasm, plan, sync, add);
    await verifyParams(evm.chain, wasm, plan, sync, add);
  } finally {
    await wasm.close();
  }
  return { checks, ok: checks.every((c) => c.ok) };
}

type Add = (c: Omit<Check, "ok"> & { ok?: boolean }) => void;

/**
 * The standard wiring (spec/safety-core.md §0) on both stacks: each link of the plan, read
 * back with the query that proves it, must name the recorded address of the intended
 * component **of the same stack**.
 */
async function verifyLinks(evm: EvmChain, wasm: WasmChain, plan: Plan, sync: SyncFile, add: Add): Promise<void> {
  for (const link of plan.links) {
    const c = plan.components.find((x) => x.name === link.component);
    if (!c) continue;
    if (link.evm && sync.evm.contracts[link.component]) {
      const l = link.evm;
      const ref = (v: unknown) => fillTemplate(v, sync.evm.contracts);
      const r = await readEvmLink(evm, c.evm.contract, sync.evm.contracts[link.component], l, ref);
      add({ stack: "evm", subject: link.component, check: `link ${link.name}`, ...r });
    }
    if (link.wasm && sync.wasm.contracts[link.component]) {
      const l = link.wasm;
      const ref = (v: unknown) => fillTemplate(v, sync.wasm.contracts);
      const got = await wasm.query(sync.wasm.contracts[link.component], ref(l.check.query));
      const expected = JSON.stringify(ref(l.check.equals));
      const actual = JSON.stringify(atPath(got, l.check.path));
      add({ stack: "wasm", subject: link.component, check: `link ${link.name}`, expected, actual });
    }
  }
}

async function verifyEvm(
  chain: EvmChain,
  plan: Plan,
  sync: SyncFile,
  cfg: DeployConfig,
  deployer: string,
  add: Add,
): Promise<void> {
  const g = cfg.params.governance.evm;
  const timelock = sync.evm.contracts.timelock;
  const tlName = plan.timelock.evm.contract;
  const tlArt = readEvmArtifactWithImmutables(tlName);
  const tlCode = await chain.code(timelock);
  const has = async (contract: string, address: string, role: string, account: string) =>
    String(await evmView(chain, contract, address, "hasRole", [role, account]));
  add({
    stack: "evm",
    subject: "timelock",
    check: "runtime code = artifact",
    expected: plan.timelock.evm.contract,
    actual: codeMatchesArtifact(tlCode, tlArt)
      ? plan.timelock.evm.contract
      : `other code (${tlCode.length / 2 - 1} bytes)`,
  });
  add({
    stack: "evm",
    subject: "timelock",
    check: "minDelay",
    expected: String(g.minDelay),
    actual: String(await evmView(chain, tlName, timelock, "getMinDelay")),
  });
  for (const [key, role] of Object.entries(TIMELOCK_ROLES)) {
    add({
      stack: "evm",
      subject: "timelock",
      check: `deployer has no ${key}`,
      expected: "false",
      actual: await has(tlName, timelock, role, deployer),
    });
  }
  for (const a of g.proposers)
    add({
      stack: "evm",
      subject: "timelock",
      check: `PROPOSER ${short(a)}`,
      expected: "true",
      actual: await has(tlName, timelock, TIMELOCK_ROLES.PROPOSER, a),
    });
  for (const a of g.executors)
    add({
      stack: "evm",
      subject: "timelock",
      check: `EXECUTOR ${short(a)}`,
      expected: "true",
      actual: await has(tlName, timelock, TIMELOCK_ROLES.EXECUTOR, a),
    });
  // Guardians can stop a queued proposal of a compromised proposer.
  for (const a of g.guardians)
    add({
      stack: "evm",
      subject: "timelock",
      check: `CANCELLER guardian ${short(a)}`,
      expected: "true",
      actual: await has(tlName, timelock, TIMELOCK_ROLES.CANCELLER, a),
    });

  const proxyArt = readEvmArtifactWithImmutables(ERC1967_PROXY);
  for (const c of plan.components) {
    const proxy = sync.evm.contracts[c.name];
    if (!proxy) {
      add({ stack: "evm", subject: c.name, check: "deployed", expected: "an address", actual: "missing" });
      continue;
    }
    const code = await chain.code(proxy);
    add({
      stack: "evm",
      subject: c.name,
      check: "proxy code = ERC1967Proxy",
      expected: "ERC1967Proxy",
      actual: codeMatchesArtifact(code, proxyArt) ? "ERC1967Proxy" : "other code",
    });
    const impl = getAddress(await proxyImplementation(chain, proxy));
    add({
      stack: "evm",
      subject: c.name,
      check: "ERC-1967 implementation",
      expected: sync.evm.implementations[c.name],
      actual: impl,
    });
    const art = readEvmArtifactWithImmutables(c.evm.contract);
    const implCode = await chain.code(impl);
    add({
      stack: "evm",
      subject: c.name,
      check: "implementation code = artifact",
      expected: c.evm.contract,
      actual: codeMatchesArtifact(implCode, art) ? c.evm.contract : "other code",
    });
    add({
      stack: "evm",
      subject: c.name,
      check: "ADMIN = timelock",
      expected: "true",
      actual: await has(c.evm.contract, proxy, plan.spec.role("ADMIN").evmId, timelock),
    });
    for (const role of c.component.roles) {
      add({
        stack: "evm",
        subject: c.name,
        check: `deployer has no ${role.key}`,
        expected: "false",
        actual: await has(c.evm.contract, proxy, role.evmId, deployer),
      });
    }
    if (c.component.hasRole("GUARDIAN")) {
      for (const gd of g.guardians)
        add({
          stack: "evm",
          subject: c.name,
          check: `GUARDIAN ${short(gd)}`,
          expected: "true",
          actual: await has(c.evm.contract, proxy, plan.spec.role("GUARDIAN").evmId, gd),
        });
    }
    if (c.component.hasRole("EMERGENCY")) {
      for (const em of emergencyHolders(g))
        add({
          stack: "evm",
          subject: c.name,
          check: `EMERGENCY ${short(em)}`,
          expected: "true",
          actual: await has(c.evm.contract, proxy, plan.spec.role("EMERGENCY").evmId, em),
        });
    }
    for (const r of plan.roles.filter((x) => x.component === c.name)) {
      const to = r.to.startsWith("$") ? sync.evm.contracts[r.to.slice(1)] : r.to;
      add({
        stack: "evm",
        subject: c.name,
        check: `${r.role} ${r.to}`,
        expected: "true",
        actual: await has(c.evm.contract, proxy, plan.spec.role(r.role).evmId, to),
      });
    }
  }
}

async function verifyWasm(
  chain: WasmChain,
  plan: Plan,
  sync: SyncFile,
  cfg: DeployConfig,
  deployer: string,
  add: Add,
): Promise<void> {
  const resolve = accountResolver(cfg);
  const g = cfg.params.governance.wasm;
  const holder = plan.wasmTimelock ? sync.wasm.contracts.timelock : resolve(g.admin ?? g.proposers[0]);
  for (const [artifact, rec] of Object.entries(sync.wasm.codes)) {
    const local = wasmChecksum(readFileSync(path.join(WASM_ARTIFACTS, artifact)));
    const onChain = await chain.codeChecksum(rec.codeId).catch((err: unknown) => {
      if (err instanceof WasmChainError && err.kind === "not_found") return "missing";
      throw err;
    });
    add({
      stack: "wasm",
      subject: artifact,
      check: `code ${rec.codeId} checksum = local artifact`,
      expected: short(local),
      actual: short(onChain),
      ok: onChain === local,
    });
  }
  const adminRole = plan.spec.role("ADMIN").wasm;
  const tlAddr = sync.wasm.contracts.timelock;
  if (plan.wasmTimelock && tlAddr) {
    const tlHas = async (role: string, account: string) =>
      String((await chain.query<{ has_role: boolean }>(tlAddr, { has_role: { role, account } })).has_role);
    const info = await chain.contractInfo(tlAddr);
    add({
      stack: "wasm",
      subject: "timelock",
      check: "chain-level admin = itself",
      expected: short(tlAddr),
      actual: short(info?.admin ?? "none"),
      ok: info?.admin === tlAddr,
    });
    const md = await chain.query<{ min_delay: string }>(tlAddr, { get_min_delay: {} });
    add({
      stack: "wasm",
      subject: "timelock",
      check: "minDelay",
      expected: String(g.minDelay),
      actual: String(md.min_delay),
    });
    if (deployer) {
      for (const role of ["proposer", "executor", "canceller", adminRole]) {
        add({
          stack: "wasm",
          subject: "timelock",
          check: `deployer has no ${role}`,
          expected: "false",
          actual: await tlHas(role, deployer),
        });
      }
    }
    for (const a of g.proposers)
      add({
        stack: "wasm",
        subject: "timelock",
        check: `proposer ${short(resolve(a))}`,
        expected: "true",
        actual: await tlHas("proposer", resolve(a)),
      });
    for (const a of g.executors)
      add({
        stack: "wasm",
        subject: "timelock",
        check: `executor ${short(resolve(a))}`,
        expected: "true",
        actual: await tlHas("executor", resolve(a)),
      });
    for (const a of g.guardians)
      add({
        stack: "wasm",
        subject: "timelock",
        check: `canceller guardian ${short(resolve(a))}`,
        expected: "true",
        actual: await tlHas("canceller", resolve(a)),
      });
  }
  for (const c of plan.components) {
    const addr = sync.wasm.contracts[c.name];
    if (!addr) {
      add({ stack: "wasm", subject: c.name, check: "deployed", expected: "an address", actual: "missing" });
      continue;
    }
    const info = await chain.contractInfo(addr);
    const want = sync.wasm.codes[c.wasm.artifact]?.codeId;
    add({ stack: "wasm", subject: c.name, check: "code id", expected: String(want), actual: String(info?.codeId) });
    add({
      stack: "wasm",
      subject: c.name,
      check: "chain-level admin",
      expected: short(holder),
      actual: short(info?.admin ?? "none"),
      ok: info?.admin === holder,
    });
    const has = async (role: string, account: string) =>
      String((await chain.query<{ has_role: boolean }>(addr, { has_role: { role, account } })).has_role);
    add({
      stack: "wasm",
      subject: c.name,
      check: `ADMIN = ${plan.wasmTimelock ? "timelock" : "governance"}`,
      expected: "true",
      actual: await has(adminRole, holder),
    });
    if (deployer) {
      for (const role of c.component.roles)
        add({
          stack: "wasm",
          subject: c.name,
          check: `deployer has no ${role.key}`,
          expected: "false",
          actual: await has(role.wasm, deployer),
        });
    }
    if (c.component.hasRole("GUARDIAN")) {
      for (const gd of g.guardians)
        add({
          stack: "wasm",
          subject: c.name,
          check: `GUARDIAN ${short(resolve(gd))}`,
          expected: "true",
          actual: await has(plan.spec.role("GUARDIAN").wasm, resolve(gd)),
        });
    }
    if (c.component.hasRole("EMERGENCY")) {
      for (const em of emergencyHolders(g))
        add({
          stack: "wasm",
          subject: c.name,
          check: `EMERGENCY ${short(resolve(em))}`,
          expected: "true",
          actual: await has(plan.spec.role("EMERGENCY").wasm, resolve(em)),
        });
    }
    for (const r of plan.roles.filter((x) => x.component === c.name)) {
      const to = r.to.startsWith("$") ? sync.wasm.contracts[r.to.slice(1)] : r.to;
      add({
        stack: "wasm",
        subject: c.name,
        check: `${r.role} ${r.to}`,
        expected: "true",
        actual: await has(plan.spec.role(r.role).wasm, to),
      });
    }
  }
}

async function verifyParams(evm: EvmChain, wasm: WasmChain, plan: Plan, sync: SyncFile, add: Add): Promise<void> {
  for (const c of plan.components) {
    const evmAddr = sync.evm.contracts[c.name];
    const wasmAddr = sync.wasm.contracts[c.name];
    if (!evmAddr || !wasmAddr || !c.paramsType || !c.params || !c.evm.paramsQuery || !c.wasm.paramsQuery) continue;
    const onEvm = fromEvm(c.component, c.paramsType, await evmView(evm, c.evm.contract, evmAddr, c.evm.paramsQuery));
    const onWasm = fromWasm(c.component, c.paramsType, await wasm.query(wasmAddr, c.wasm.paramsQuery), {
      strict: true,
    });
    const intended = dual(c.params);
    const e = dual(onEvm);
    const w = dual(onWasm);
    add({ stack: "both", subject: c.name, check: "params EVM = CosmWasm (CBOR dual hash)", expected: e, actual: w });
    add({
      stack: "both",
      subject: c.name,
      check: "params = intended (CBOR dual hash)",
      expected: intended,
      actual: e === w ? e : `evm ${e.slice(7, 25)} / wasm ${w.slice(7, 25)}`,
      ok: e === intended && w === intended,
    });
  }
}

/** The report as an aligned text table. */
export function renderReport(r: VerifyReport): string {
  const rows = r.checks.map((c) => [c.ok ? "ok" : "MISMATCH", c.stack, c.subject, c.check, c.expected, c.actual]);
  const head = ["result", "stack", "subject", "check", "expected", "actual"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((x, i) => x.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  const bad = r.checks.filter((c) => !c.ok).length;
  return [
    line(head),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    bad === 0 ? `verify: all ${r.checks.length} checks pass` : `verify: ${bad} of ${r.checks.length} checks FAIL`,
  ].join("\n");
}
