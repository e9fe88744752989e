import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";

import { getAddress, getCreateAddress, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import {
  codeMatchesArtifact,
  ERC1967_PROXY,
  hasEvmArtifact,
  proxyImplementation,
  readEvmArtifact,
  readEvmArtifactWithImmutables,
  type EvmChain,
  type EvmLog,
} from "../chains/evm";
import { CosmjsChain } from "../chains/wasm";
import { ToolError } from "../cli/errors";
import { envBool, envString } from "../cli/flags";
import { readEvmLink } from "../deploy/evm";
import { atPath } from "../deploy/wasm";
import { deriveBook, writeBook, type BookRecord } from "../deployment/address-book";
import { configFromHre, connectWasmChain, evmEndpointFromHre } from "../deployment/endpoints";
import { fsyncDir } from "../deployment/fsx";
import { Journal } from "../deployment/journal";
import { fillTemplate, resolvePlan, type Plan } from "../deployment/plan";
import { journalFile, writeSync } from "../deployment/sync";
import type { DeployConfig } from "../deployment/config";

/**
 * `npx hardhat vagus:recover --network <net>`: rebuilds `deployments/<evm>+<wasm>/` (the
 * journal, both address books, `sync.json`) from the chains when it is lost.
 *
 * What it needs is what an operator has without the lost directory: the repository
 * (networks, plan, parameters) and the two deployer addresses — by default the configured
 * deployer accounts, else `--evm-deployer` / `--wasm-deployer`. The EVM side walks the
 * deployer's nonces (every CREATE address is `keccak(deployer, nonce)`): a VagusTimelock
 * starts a deployment, the ERC-1967 proxies after it are its components in plan order;
 * each proxy's `Upgraded` events give its implementation history. The CosmWasm side lists
 * every code's contracts created by the deployer; the deploy's labels (`vagus <name>
 * <deployment>`) name each contract and its deployment, and the code history gives the
 * migrations. The latest deployment on each chain is taken unless `--deployment` /
 * `--evm-timelock` choose. The standard wiring is read back on both stacks and must name
 * the recovered addresses, else nothing is written.
 */

export const RECOVER_ERRORS = {
  EXISTS: 16010,
  NO_DEPLOYER: 16011,
  NOT_FOUND: 16012,
  WIRING: 16013,
  BAD_INPUT: 16014,
} as const;

export interface RecoverOptions {
  force: boolean;
  evmDeployer?: string;
  wasmDeployer?: string;
  /** CosmWasm deployment id (`20261205T001500-abcdef`); default the latest. */
  deployment?: string;
  /** EVM timelock of the deployment; default the deployer's latest. */
  evmTimelock?: string;
  /** First EVM block of the `Upgraded` scan (default 0). */
  fromBlock: number;
}

/** The options from the task's variables (`VAGUS_RECOVER_*`, `VAGUS_FORCE`), validated. */
export function recoverOptions(env: NodeJS.ProcessEnv = process.env): RecoverOptions {
  const fromRaw = envString("VAGUS_RECOVER_FROM_BLOCK", env) ?? "0";
  if (!/^\d+$/.test(fromRaw))
    throw new ToolError(RECOVER_ERRORS.BAD_INPUT, `--from-block ${fromRaw} is not a block number`);
  const opts: RecoverOptions = {
    force: envBool("VAGUS_FORCE", env),
    evmDeployer: envString("VAGUS_RECOVER_EVM_DEPLOYER", env),
    wasmDeployer: envString("VAGUS_RECOVER_WASM_DEPLOYER", env),
    deployment: envString("VAGUS_RECOVER_DEPLOYMENT", env),
    evmTimelock: envString("VAGUS_RECOVER_EVM_TIMELOCK", env),
    fromBlock: Number(fromRaw),
  };
  for (const [flag, v] of [
    ["--evm-deployer", opts.evmDeployer],
    ["--evm-timelock", opts.evmTimelock],
  ] as const) {
    if (v !== undefined && !isAddress(v))
      throw new ToolError(RECOVER_ERRORS.BAD_INPUT, `${flag} ${JSON.stringify(v)} is not an EVM address`);
  }
  if (opts.deployment !== undefined && !/^[0-9A-Za-z-]{1,64}$/.test(opts.deployment))
    throw new ToolError(RECOVER_ERRORS.BAD_INPUT, `--deployment ${opts.deployment} is not a deployment id`);
  return opts;
}

interface Found {
  network: string;
  name: string;
  record: BookRecord;
}

export interface EvmFound {
  deployer: string;
  timelock: { address: string; block?: number; tx?: string };
  components: {
    name: string;
    proxy: string;
    implementation: string;
    history: BookRecord[];
    block?: number;
    tx?: string;
  }[];
}

/** The deployer's contracts on the EVM, grouped into deployments (each starts at a timelock). */
export async function findEvmDeployment(
  chain: EvmChain,
  plan: Plan,
  deployer: string,
  opts: { evmTimelock?: string; fromBlock: number },
): Promise<EvmFound> {
  const tlArt = readEvmArtifactWithImmutables(plan.timelock.evm.contract);
  const proxyArt = readEvmArtifactWithImmutables(ERC1967_PROXY);
  const nonce = await chain.nonce(deployer, "latest");
  const groups: { timelock: string; proxies: { address: string; implementation: string }[] }[] = [];
  let lastCreated: string | undefined;
  for (let n = 0; n < nonce; n++) {
    const addr = getCreateAddress({ from: deployer, nonce: n });
    const code = await chain.code(addr);
    if (code === "0x") continue;
    if (codeMatchesArtifact(code, tlArt)) groups.push({ timelock: addr, proxies: [] });
    else if (codeMatchesArtifact(code, proxyArt) && groups.length > 0 && lastCreated)
      groups[groups.length - 1].proxies.push({ address: addr, implementation: lastCreated });
    lastCreated = addr;
  }
  const wanted = opts.evmTimelock
    ? groups.find((g) => g.timelock.toLowerCase() === opts.evmTimelock!.toLowerCase())
    : [...groups].reverse().find((g) => g.proxies.length >= plan.components.length);
  if (!wanted)
    throw new ToolError(
      RECOVER_ERRORS.NOT_FOUND,
      opts.evmTimelock
        ? `${opts.evmTimelock} is not a ${plan.timelock.evm.contract} created by ${deployer}`
        : `no complete deployment created by ${deployer} on the EVM (${groups.length} timelock(s), none followed by ${plan.components.length} proxies)`,
      { hint: "check --evm-deployer (the account that ran the deployment)" },
    );
  if (wanted.proxies.length < plan.components.length)
    throw new ToolError(
      RECOVER_ERRORS.NOT_FOUND,
      `the deployment of timelock ${wanted.timelock} has ${wanted.proxies.length} proxies, the plan ${plan.components.length}`,
    );
  // Upgraded events: each proxy's implementations in order (its constructor emits the first).
  const proxies = wanted.proxies.slice(0, plan.components.length);
  for (const p of proxies) chain.registerAbi(p.address, readEvmArtifact(ERC1967_PROXY));
  chain.registerAbi(wanted.timelock, readEvmArtifact(plan.timelock.evm.contract));
  const head = await chain.height();
  const logs: EvmLog[] = [];
  for (let from = opts.fromBlock; from <= head; from += 5_000) {
    logs.push(
      ...(await chain.logs({
        fromBlock: from,
        toBlock: Math.min(head, from + 4_999),
        addresses: [wanted.timelock, ...proxies.map((p) => p.address)],
      })),
    );
  }
  const tlFirst = logs.find((l) => l.address.toLowerCase() === wanted.timelock.toLowerCase());
  const components = await Promise.all(
    proxies.map(async (p, i) => {
      const ups = logs.filter((l) => l.address.toLowerCase() === p.address.toLowerCase() && l.name === "Upgraded");
      const current = getAddress(await proxyImplementation(chain, p.address));
      const history: BookRecord[] = ups.slice(0, -1).map((u) => ({
        address: p.address,
        implementation: getAddress(String(u.args.implementation)),
        artifact: plan.components[i].evm.contract,
        block: u.blockNumber,
        tx: u.txHash,
      }));
      return {
        name: plan.components[i].name,
        proxy: p.address,
        implementation: current,
        history,
        block: ups[0]?.blockNumber,
        tx: ups[0]?.txHash,
      };
    }),
  );
  return {
    deployer,
    timelock: { address: wanted.timelock, block: tlFirst?.blockNumber, tx: tlFirst?.txHash },
    components,
  };
}

export interface WasmFound {
  deployment: string;
  deployer: string;
  contracts: Record<string, { address: string; codeId: number; checksum: string; history: number[] }>;
}

/** The deployer's contracts on CosmWasm, named and grouped by the deploy's labels. */
export async function findWasmDeployment(
  chain: CosmjsChain,
  plan: Plan,
  deployer: string,
  opts: { deployment?: string },
): Promise<WasmFound> {
  const names = new Set([...plan.components.map((c) => c.name), "timelock"]);
  const byDeployment = new Map<string, WasmFound["contracts"]>();
  for (const code of await chain.codes()) {
    for (const address of await chain.contractsByCode(code.codeId)) {
      const info = await chain.contractInfo(address);
      if (!info || info.creator !== deployer) continue;
      const m = /^vagus (\S+) (\S+)$/.exec(info.label);
      if (!m || !names.has(m[1])) continue;
      const history = (await chain.codeHistory(address)).map((h) => h.codeId);
      const set = byDeployment.get(m[2]) ?? {};
      set[m[1]] = { address, codeId: code.codeId, checksum: code.checksum, history };
      byDeployment.set(m[2], set);
    }
  }
  const ids = [...byDeployment.keys()].sort();
  // Deployment ids start with their UTC start time, so the last in order is the latest.
  const deployment = opts.deployment ?? ids[ids.length - 1];
  const contracts = deployment ? byDeployment.get(deployment) : undefined;
  if (!deployment || !contracts)
    throw new ToolError(
      RECOVER_ERRORS.NOT_FOUND,
      opts.deployment
        ? `no contracts of deployment ${opts.deployment} created by ${deployer} (found: ${ids.join(", ") || "none"})`
        : `no Vagus contracts created by ${deployer} on CosmWasm`,
      { hint: "check --wasm-deployer (the account that ran the deployment)" },
    );
  const missing = plan.components.filter((c) => !contracts[c.name]).map((c) => c.name);
  if (missing.length > 0)
    throw new ToolError(RECOVER_ERRORS.NOT_FOUND, `deployment ${deployment} on CosmWasm lacks ${missing.join(", ")}`);
  return { deployment, deployer, contracts };
}

/** The plan's links read back on both stacks must name the recovered addresses. */
export async function checkWiring(
  evm: EvmChain,
  wasm: CosmjsChain,
  plan: Plan,
  evmAddrs: Record<string, string>,
  wasmAddrs: Record<string, string>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const link of plan.links) {
    const c = plan.components.find((x) => x.name === link.component);
    if (!c) continue;
    if (link.evm) {
      const r = await readEvmLink(evm, c.evm.contract, evmAddrs[c.name], link.evm, (v) => fillTemplate(v, evmAddrs));
      if (r.actual !== r.expected) problems.push(`evm ${c.name} ${link.name}: ${r.actual}, expected ${r.expected}`);
    }
    if (link.wasm) {
      const ref = (v: unknown) => fillTemplate(v, wasmAddrs);
      const got = JSON.stringify(
        atPath(await wasm.query(wasmAddrs[c.name], ref(link.wasm.check.query)), link.wasm.check.path),
      );
      const want = JSON.stringify(ref(link.wasm.check.equals));
      if (got !== want) problems.push(`wasm ${c.name} ${link.name}: ${got}, expected ${want}`);
    }
  }
  return problems;
}

export interface RecoverSummary {
  pairDir: string;
  deployment: string;
  evm: Record<string, string>;
  wasm: Record<string, string>;
}

/**
 * Writes the recovered journal, books and sync file into a fresh directory beside the
 * pair's, then renames it into place: a crash leaves either nothing or the whole set.
 */
function writeRecovered(
  cfg: DeployConfig,
  plan: Plan,
  evmChainId: string,
  e: EvmFound,
  w: WasmFound,
  force: boolean,
): void {
  const tmpRoot = path.join(cfg.root, `.recover-${process.pid}`);
  rmSync(tmpRoot, { recursive: true, force: true });
  const tmpCfg = { ...cfg, root: tmpRoot, pairDir: path.join(tmpRoot, path.basename(cfg.pairDir)) };
  mkdirSync(tmpCfg.pairDir, { recursive: true });
  const journal = Journal.open(journalFile(tmpCfg));
  const dep = w.deployment;
  journal.append({
    deployment: dep,
    phase: "begin",
    data: {
      procedure: "deploy",
      recovered: true,
      evmNetwork: cfg.evmNetwork,
      evmChainId,
      wasmNetwork: cfg.wasm.name,
      wasmChainId: cfg.wasm.chainId,
      evmDeployer: e.deployer,
      wasmDeployer: w.deployer,
    },
  });
  const found: Found[] = [];
  const evmNet = cfg.evmNetwork;
  found.push({
    network: evmNet,
    name: "timelock",
    record: {
      address: e.timelock.address,
      artifact: plan.timelock.evm.contract,
      block: e.timelock.block,
      tx: e.timelock.tx,
    },
  });
  for (const c of e.components) {
    for (const h of c.history) found.push({ network: evmNet, name: c.name, record: h });
    const artifact = plan.components.find((x) => x.name === c.name)!.evm.contract;
    found.push({
      network: evmNet,
      name: c.name,
      record: { address: c.proxy, implementation: c.implementation, artifact, block: c.block, tx: c.tx },
    });
  }
  const codes: Record<string, { codeId: number; checksum: string }> = {};
  const artifactOf = (name: string) =>
    name === "timelock" ? plan.timelock.wasm.artifact : plan.components.find((x) => x.name === name)!.wasm.artifact;
  for (const [name, c] of Object.entries(w.contracts)) {
    codes[artifactOf(name)] = { codeId: c.codeId, checksum: c.checksum };
    found.push({
      network: cfg.wasm.name,
      name: `code:${artifactOf(name)}`,
      record: { codeId: c.codeId, checksum: c.checksum, artifact: artifactOf(name) },
    });
    // Earlier codes of a migrated contract go to its history (their checksums are not kept).
    for (const old of c.history.slice(0, -1))
      found.push({ network: cfg.wasm.name, name, record: { address: c.address, codeId: old } });
    found.push({
      network: cfg.wasm.name,
      name,
      record: { address: c.address, codeId: c.codeId, checksum: c.checksum },
    });
  }
  for (const f of found) {
    journal.append({
      deployment: dep,
      phase: "recovered",
      step: `recover:${f.network}:${f.name}`,
      network: f.network,
      data: { name: f.name, network: f.network, record: stripUndefined(f.record) },
    });
  }
  journal.append({ deployment: dep, phase: "complete" });
  writeBook(tmpRoot, deriveBook(journal, evmNet, "evm", evmChainId));
  writeBook(tmpRoot, deriveBook(journal, cfg.wasm.name, "wasm", cfg.wasm.chainId));
  const evmAddrs = { timelock: e.timelock.address, ...Object.fromEntries(e.components.map((c) => [c.name, c.proxy])) };
  writeSync(
    tmpCfg,
    {
      deployment: dep,
      evm: {
        network: evmNet,
        chainId: evmChainId,
        contracts: evmAddrs,
        implementations: Object.fromEntries(e.components.map((c) => [c.name, c.implementation])),
      },
      wasm: {
        network: cfg.wasm.name,
        chainId: cfg.wasm.chainId,
        contracts: Object.fromEntries(Object.entries(w.contracts).map(([n, c]) => [n, c.address])),
        codes,
        timelockContract: Boolean(w.contracts.timelock),
      },
    },
    [...plan.components.map((c) => c.name), "timelock"],
  );
  // Into place: the pair's directory, and each network's address book beside it.
  mkdirSync(cfg.root, { recursive: true });
  const moves: [string, string][] = [
    [tmpCfg.pairDir, cfg.pairDir],
    [path.join(tmpRoot, evmNet), path.join(cfg.root, evmNet)],
    [path.join(tmpRoot, cfg.wasm.name), path.join(cfg.root, cfg.wasm.name)],
  ];
  const stamp = new Date().toISOString().replace(/[-:.]/g, "");
  for (const [from, to] of moves) {
    if (existsSync(to)) {
      if (!force) throw new Error(`${to} appeared during the recovery`);
      renameSync(to, `${to}.replaced-${stamp}`);
    }
    renameSync(from, to);
  }
  rmSync(tmpRoot, { recursive: true, force: true });
  fsyncDir(cfg.root);
}

function stripUndefined(r: BookRecord): BookRecord {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
}

export async function recoverDeployment(
  hre: HardhatRuntimeEnvironment,
  opts: RecoverOptions,
  log: (line: string) => void = (l) => console.log(l),
): Promise<RecoverSummary> {
  const cfg = configFromHre(hre, process.env, { requireKey: false });
  const existing = [cfg.pairDir, path.join(cfg.root, cfg.evmNetwork), path.join(cfg.root, cfg.wasm.name)].filter((d) =>
    existsSync(d),
  );
  if (existing.length > 0 && !opts.force)
    throw new ToolError(RECOVER_ERRORS.EXISTS, `refusing to overwrite ${existing.join(", ")}`, {
      hint: "move it away, or pass --force (the old directories are kept as <name>.replaced-<time>)",
    });
  const plan = resolvePlan(cfg.params, { has: (n) => hasEvmArtifact(n) });
  const wasmKey = Boolean(cfg.wasm.keySource);
  if (!opts.wasmDeployer && !wasmKey)
    throw new ToolError(RECOVER_ERRORS.NO_DEPLOYER, `no CosmWasm deployer: no key is configured for ${cfg.wasm.name}`, {
      hint: "pass --wasm-deployer <address> (the account that instantiated the contracts)",
    });
  const evm = await evmEndpointFromHre(hre);
  const wasmChain = await connectWasmChain(cfg, { signer: !opts.wasmDeployer, step: "recover" });
  try {
    if (!(wasmChain instanceof CosmjsChain)) throw new Error("recovery needs a CosmWasm node");
    const evmDeployer = opts.evmDeployer ? getAddress(opts.evmDeployer) : evm.deployer;
    const wasmDeployer = opts.wasmDeployer ?? (await wasmChain.addrMake("deployer"));
    log(
      `recover: EVM ${cfg.evmNetwork} (chain ${evm.chainId}) deployer ${evmDeployer}; CosmWasm ${cfg.wasm.name} deployer ${wasmDeployer}`,
    );
    const e = await findEvmDeployment(evm.chain, plan, evmDeployer, opts);
    log(`  EVM: timelock ${e.timelock.address}, ${e.components.length} proxies`);
    const w = await findWasmDeployment(wasmChain, plan, wasmDeployer, opts);
    log(`  CosmWasm: deployment ${w.deployment}, ${Object.keys(w.contracts).length} contracts`);
    const evmAddrs = {
      timelock: e.timelock.address,
      ...Object.fromEntries(e.components.map((c) => [c.name, c.proxy])),
    };
    const wasmAddrs = Object.fromEntries(Object.entries(w.contracts).map(([n, c]) => [n, c.address]));
    const wiring = await checkWiring(evm.chain, wasmChain, plan, evmAddrs, wasmAddrs);
    if (wiring.length > 0)
      throw new ToolError(
        RECOVER_ERRORS.WIRING,
        `the wiring read back does not name the recovered contracts:\n  ${wiring.join("\n  ")}`,
        {
          hint: "choose the deployment with --deployment / --evm-timelock; nothing was written",
        },
      );
    log(`  wiring: ${plan.links.length} links read back on both stacks name the recovered contracts`);
    writeRecovered(cfg, plan, evm.chainId, e, w, opts.force);
    log(
      `recover: wrote ${cfg.pairDir} (journal, sync.json) and both address books; check with: npm run verify:deployment`,
    );
    return { pairDir: cfg.pairDir, deployment: w.deployment, evm: evmAddrs, wasm: wasmAddrs };
  } finally {
    await wasmChain.close();
    await evm.chain.close();
  }
}
