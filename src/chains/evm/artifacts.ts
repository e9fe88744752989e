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

function candidatesOf(name: string, dir: string): string[] {
  const [source, contract] = name.includes(":") ? (name.split(":") as [string, string]) : [undefined, name];
  return (indexOf(path.resolve(dir)).get(contract) ?? []).filter(
    (f) => source === undefined || f.includes(`${path.sep}${source}${path.sep}`),
  );
}

/** Whether Hardhat's artifact folder has a compiled contract of this name. */
export function hasEvmArtifact(name: string, dir: string = defaultEvmArtifactsDir()): boolean {
  return candidatesOf(name, dir).length > 0;
}

/**
 * The artifact file of contract `name` (a plain name, or `source.sol:Name` when two sources
 * define the same name) under Hardhat's artifact folder.
 */
export function evmArtifactPath(name: string, dir: string = defaultEvmArtifactsDir()): string {
  const candidates = candidatesOf(name, dir);
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
  return candidates[0];
}

/** The artifact of contract `name` (see `evmArtifactPath`). */
export function readEvmArtifact(name: string, dir: string = defaultEvmArtifactsDir()): EvmArtifact {
  const file = evmArtifactPath(name, dir);
  const raw = JSON.parse(readFileSync(file, "utf8")) as EvmArtifact;
  if (typeof raw.bytecode !== "string" || !Array.isArray(raw.abi)) {
    throw new EvmChainError(`${file} is not a Hardhat artifact`, { kind: "invalid", op: "artifact" });
  }
  return raw;
}

const buildInfos = new Map<string, BuildInfo>();

interface BuildInfo {
  output: {
    contracts: Record<
      string,
      Record<string, { evm?: { deployedBytecode?: { immutableReferences?: Record<string, Immutable[]> } } }>
    >;
  };
}
type Immutable = { start: number; length: number };

/**
 * The artifact with the byte ranges of its immutables, read from the compiler output the
 * artifact's debug file points to (what a deployed contract's code differs from the
 * artifact by).
 */
export function readEvmArtifactWithImmutables(name: string, dir: string = defaultEvmArtifactsDir()): EvmArtifact {
  const file = evmArtifactPath(name, dir);
  const artifact = readEvmArtifact(name, dir);
  const dbg = file.replace(/\.json$/, ".dbg.json");
  let immutables: Immutable[] = [];
  try {
    const biFile = path.resolve(
      path.dirname(dbg),
      (JSON.parse(readFileSync(dbg, "utf8")) as { buildInfo: string }).buildInfo,
    );
    let info = buildInfos.get(biFile);
    if (!info) {
      info = JSON.parse(readFileSync(biFile, "utf8")) as BuildInfo;
      buildInfos.set(biFile, info);
    }
    const refs =
      info.output.contracts[artifact.sourceName ?? ""]?.[artifact.contractName]?.evm?.deployedBytecode
        ?.immutableReferences;
    immutables = refs ? Object.values(refs).flat() : [];
  } catch (err) {
    throw new EvmChainError(`no compiler output for ${name} (${dbg}): run \`npm run build:evm\``, {
      kind: "not_found",
      op: "artifact",
      cause: err,
    });
  }
  return { ...artifact, immutables };
}

function maskImmutables(code: string, ranges: Immutable[] = []): string {
  const hex = code.toLowerCase().replace(/^0x/, "").split("");
  for (const r of ranges) for (let i = r.start * 2; i < (r.start + r.length) * 2 && i < hex.length; i++) hex[i] = "0";
  return `0x${hex.join("")}`;
}

/** Whether runtime code read from a chain is the artifact's, immutables aside. */
export function codeMatchesArtifact(code: string, artifact: EvmArtifact): boolean {
  return maskImmutables(code, artifact.immutables) === maskImmutables(artifact.deployedBytecode);
}
