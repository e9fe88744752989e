import { readFileSync, existsSync } from "node:fs";
import path from "node:path";

import { readBook } from "../deployment/address-book";
import { resolveConfig } from "../deployment/config";
import { resolvePlan } from "../deployment/plan";

/**
 * The one place the monitor reads a recorded deployment (the sync file and the two
 * address books that `scripts/deploy.ts` writes). Everything else in src/monitoring sees
 * only `MonitoredDeployment`, so where deployments live can change behind this function.
 */

export interface MonitoredContract {
  /** Spec component (`RateLimiter`, `Timelock`). */
  component: string;
  address: string;
  /** EVM artifact name, for its ABI. */
  artifact?: string;
}

export interface MonitoredParams {
  component: string;
  /** Spec struct type of the parameters (`Config`). */
  paramsType: string;
  /** EVM view function returning them. */
  evmQuery: string;
  /** CosmWasm query message returning them. */
  wasmQuery: unknown;
}

export interface MonitoredDeployment {
  /** The deployment id (journal). */
  deployment: string;
  evm: { network: string; chainId: string; contracts: MonitoredContract[]; startBlock: number };
  wasm: { network: string; chainId: string; rpc: string; contracts: MonitoredContract[]; startHeight: number };
  params: MonitoredParams[];
  /** deployments/<pair>/: where `vagus:check` leaves its last report (exported as metrics). */
  pairDir?: string;
}

export class DeploymentNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeploymentNotFoundError";
  }
}

interface SyncFile {
  deployment: string;
  evm: { network: string; chainId: string; contracts: Record<string, string> };
  wasm: { network: string; chainId: string; contracts: Record<string, string> };
}

/**
 * The deployment recorded for `evmNetwork` (+ its CosmWasm network): addresses by spec
 * component, and where history starts on each chain (the lowest block / height the
 * address books record for them).
 */
export function loadMonitoredDeployment(
  evmNetwork: string,
  env: NodeJS.ProcessEnv = process.env,
  evmUrl?: string,
): MonitoredDeployment {
  const cfg = resolveConfig({ evmNetwork, evmUrl, env, requireKey: false });
  const syncFile = path.join(cfg.pairDir, "sync.json");
  if (!existsSync(syncFile)) {
    throw new DeploymentNotFoundError(
      `no deployment recorded for ${evmNetwork}+${cfg.wasm.name} (${syncFile}): deploy first ` +
        `(npx hardhat run scripts/deploy.ts --network ${evmNetwork}) or set VAGUS_DEPLOYMENTS_DIR`,
    );
  }
  const sync = JSON.parse(readFileSync(syncFile, "utf8")) as SyncFile;
  const plan = resolvePlan(cfg.params, { has: () => true });
  const specOf = new Map<string, string>(plan.components.map((c) => [c.name, c.component.name]));
  specOf.set("timelock", "Timelock");
  const evmBook = readBook(cfg.root, sync.evm.network);
  const wasmBook = readBook(cfg.root, sync.wasm.network);
  const side = (contracts: Record<string, string>, book: ReturnType<typeof readBook>, evm: boolean) => {
    const out: MonitoredContract[] = [];
    let start = Number.MAX_SAFE_INTEGER;
    for (const [name, address] of Object.entries(contracts)) {
      const component = specOf.get(name);
      if (!component || !address) continue;
      const entry = book?.contracts[name];
      const blocks = [entry?.block, ...(entry?.history ?? []).map((h) => h.block)].filter(
        (b): b is number => typeof b === "number",
      );
      if (blocks.length > 0) start = Math.min(start, ...blocks);
      const planned = plan.components.find((c) => c.name === name);
      const artifact = evm
        ? (planned?.evm.contract ?? (name === "timelock" ? plan.timelock.evm.contract : undefined))
        : undefined;
      out.push({ component, address, artifact });
    }
    return { contracts: out, start: start === Number.MAX_SAFE_INTEGER ? 1 : start };
  };
  const e = side(sync.evm.contracts, evmBook, true);
  const w = side(sync.wasm.contracts, wasmBook, false);
  const params: MonitoredParams[] = [];
  for (const c of plan.components) {
    if (!c.paramsType || !c.evm.paramsQuery || !c.wasm.paramsQuery) continue;
    params.push({
      component: c.component.name,
      paramsType: c.paramsType,
      evmQuery: c.evm.paramsQuery,
      wasmQuery: c.wasm.paramsQuery,
    });
  }
  return {
    deployment: sync.deployment,
    pairDir: cfg.pairDir,
    evm: { network: sync.evm.network, chainId: sync.evm.chainId, contracts: e.contracts, startBlock: e.start },
    wasm: {
      network: sync.wasm.network,
      chainId: sync.wasm.chainId,
      rpc: cfg.wasm.rpc,
      contracts: w.contracts,
      startHeight: w.start,
    },
    params,
  };
}
