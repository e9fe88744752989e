import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import type { DeployConfig } from "./config";
import { atomicWriteJson } from "./fsx";

/**
 * Where a deployment of a pair of networks lives (`deployments/<evm>+<wasm>/`): the journal
 * every procedure appends to (docs/decisions/0016), and the sync file derived from it that
 * pairs both stacks' addresses by logical name.
 */

export function journalFile(cfg: Pick<DeployConfig, "pairDir">): string {
  return path.join(cfg.pairDir, "journal.jsonl");
}

export function syncFile(cfg: Pick<DeployConfig, "pairDir">): string {
  return path.join(cfg.pairDir, "sync.json");
}

export interface SyncFile {
  deployment: string;
  updated?: string;
  evm: { network: string; chainId: string; contracts: Record<string, string>; implementations: Record<string, string> };
  wasm: {
    network: string;
    chainId: string;
    contracts: Record<string, string>;
    codes: Record<string, { codeId: number; checksum: string }>;
    timelockContract: boolean;
  };
  pairs: { name: string; evm: string | null; wasm: string | null }[];
}

/** The sync file of a pair, or undefined when nothing was deployed there. */
export function readSync(cfg: Pick<DeployConfig, "pairDir">): SyncFile | undefined {
  const file = syncFile(cfg);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as SyncFile) : undefined;
}

/** Writes the sync file atomically; `names` lists the logical names paired (components and `timelock`). */
export function writeSync(
  cfg: Pick<DeployConfig, "pairDir">,
  sync: Omit<SyncFile, "pairs" | "updated">,
  names: string[],
): void {
  const pairs = names.map((name) => ({
    name,
    evm: sync.evm.contracts[name] ?? null,
    wasm: sync.wasm.contracts[name] ?? null,
  }));
  atomicWriteJson(syncFile(cfg), {
    deployment: sync.deployment,
    updated: new Date().toISOString(),
    evm: sync.evm,
    wasm: sync.wasm,
    pairs,
  });
}
