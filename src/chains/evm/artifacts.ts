import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { EvmChainError, type EvmArtifact } from "../types";

/** Hardhat's artifact folder of this repository (`paths.artifacts` in hardhat.config.ts). */
export function defaultEvmArtifactsDir(): string {
  return path.resolve(__dirname, "..", "..", "..", "artifacts", "evm");
}

const indexes = new Map<string, Map<string, string[]>>();

function indexOf(dir: string): Map<string, string[]> {
  let index = indexes.get(dir);
  if (index) return index;
  index = new Map();
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const full = path.join(d, n);
      if (n === "build-info") continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (n.endsWith(".json") && !n.endsWith(".dbg.json")) {
        const name = n.slice(0, -".json".length);
        index.set(name, [...(index.get(name) ?? []), full]);
      }
    }
  };
  walk(dir);
  indexes.set(dir, index);
  return index;
}

/** Forgets the artifact index (after a compile that added contracts). */
export function clearEvmArtifactIndex(): void {
  indexes.clear();
}

/**
 * The artifact of contract `name` (a plain name, or `source.sol:Name` when two sources
 * define the same name) under Hardhat's artifact folder.
 */
export function readEvmArtifact(name: string, dir: string = defaultEvmArtifactsDir()): EvmArtifact {
  const [source, contract] = name.includes(":") ? (name.split(":") as [string, string]) : [undefined, name];
  const candidates = (indexOf(path.resolve(dir)).get(contract) ?? []).filter(
    (f) => source === undefined || f.includes(`${path.sep}${source}${path.sep}`),
  );
  if (candidates.length === 0) {
    throw new EvmChainError(`no EVM artifact ${name} under ${dir}: run \`npm run build:evm\``, {
      kind: "not_found",
      op: "artifact",
    });
  }
  if (candidates.length > 1) {
    throw new EvmChainError(`EVM artifact ${name} is ambiguous (${candidates.join(", ")}); use source.sol:Name`, {
      kind: "invalid",
      op: "artifact",
    });
  }
  const raw = JSON.parse(readFileSync(candidates[0], "utf8")) as EvmArtifact;
  if (typeof raw.bytecode !== "string" || !Array.isArray(raw.abi)) {
    throw new EvmChainError(`${candidates[0]} is not a Hardhat artifact`, { kind: "invalid", op: "artifact" });
  }
  return raw;
}
