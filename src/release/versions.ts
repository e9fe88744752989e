import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import type { EvmChain } from "../chains/types";
import { evmView } from "../deploy/evm";
import { atomicWrite } from "../deployment/fsx";

/**
 * One place for every contract's version: the `version` of its component file in spec/
 * (docs/decisions/0044). Both stacks compile it in from files generated here:
 * contracts/common/VagusVersions.sol (the EVM `version()` view) and
 * wasm-contracts/packages/vagus-common/src/versions.rs (the cw2 version each contract
 * records at instantiate and migrate). The generated files are committed; a test fails
 * when they differ from what this module renders, and the release gate reads the spec.
 */

const ROOT = path.resolve(__dirname, "..", "..");
export const SPEC_DIR = path.join(ROOT, "spec");
export const SOL_VERSIONS = path.join(ROOT, "contracts", "common", "VagusVersions.sol");
export const RUST_VERSIONS = path.join(ROOT, "wasm-contracts", "packages", "vagus-common", "src", "versions.rs");

export interface ComponentVersion {
  /** Spec component name (`RateLimiter`, `Timelock`). */
  component: string;
  /** Spec file (`rate-limiter.json`). */
  file: string;
  evmContract: string;
  /** cw2 contract name without the `crates.io:` prefix (`vagus-rate-limiter`). */
  wasmContract: string;
  version: string;
  /** Constant name in the generated files (`RATE_LIMITER`). */
  constant: string;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/;

/** `RateLimiter` → `RATE_LIMITER`, `ANSStateManager` → `ANS_STATE_MANAGER`. */
function constantOf(component: string): string {
  return component
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toUpperCase();
}

/** Every component of the spec with its version, sorted by component name. */
export function componentVersions(specDir = SPEC_DIR): ComponentVersion[] {
  const out: ComponentVersion[] = [];
  for (const file of readdirSync(specDir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const data = JSON.parse(readFileSync(path.join(specDir, file), "utf8")) as Record<string, unknown>;
    if (typeof data.component !== "string") continue;
    const version = data.version;
    if (typeof version !== "string" || !SEMVER.test(version))
      throw new Error(`spec/${file}: "version" must be a semver string (x.y.z), got ${JSON.stringify(version)}`);
    out.push({
      component: data.component,
      file,
      evmContract: String(data.evmContract),
      wasmContract: String(data.wasmContract),
      version,
      constant: constantOf(data.component),
    });
  }
  return out.sort((a, b) => a.component.localeCompare(b.component));
}

/** Semver order (pre-releases before their release); negative when a < b. */
export function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) throw new Error(`not a semver version: ${pa ? b : a}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  return pa[4] < pb[4] ? -1 : 1;
}

const HEADER = "Generated from the `version` of each spec/*.json component file by src/release/versions.ts";

export function renderSolidity(versions: ComponentVersion[]): string {
  const lines = versions.map(
    (v) =>
      `    /// @notice ${v.component} (spec/${v.file}).\n    string internal constant ${v.constant} = "${v.version}";`,
  );
  return `// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title VagusVersions
/// @notice The release version of every contract, the same string the CosmWasm contracts
/// record in cw2. ${HEADER}
/// (\`npx ts-node --transpile-only scripts/gen-versions.ts\`); do not edit.
library VagusVersions {
${lines.join("\n\n")}
}
`;
}

export function renderRust(versions: ComponentVersion[]): string {
  const lines = versions.map(
    (v) => `/// ${v.component} (spec/${v.file}).\npub const ${v.constant}: &str = "${v.version}";`,
  );
  return `//! The release version of every contract, recorded in cw2 at instantiate and migrate; the
//! same string the EVM contracts answer from \`version()\`.
//! ${HEADER}
//! (\`npx ts-node --transpile-only scripts/gen-versions.ts\`); do not edit.

${lines.join("\n\n")}
`;
}

/** The generated files whose content differs from the spec's rendering (relative paths). */
export function staleGeneratedFiles(versions = componentVersions()): string[] {
  return [
    [SOL_VERSIONS, renderSolidity(versions)],
    [RUST_VERSIONS, renderRust(versions)],
  ]
    .filter(([file, text]) => !existsSync(file) || readFileSync(file, "utf8") !== text)
    .map(([file]) => path.relative(ROOT, file));
}

export function writeGeneratedFiles(versions = componentVersions()): string[] {
  atomicWrite(SOL_VERSIONS, renderSolidity(versions));
  atomicWrite(RUST_VERSIONS, renderRust(versions));
  return [SOL_VERSIONS, RUST_VERSIONS].map((f) => path.relative(ROOT, f));
}

/** The cw2 record a CosmWasm contract keeps under the raw key `contract_info`. */
export interface Cw2Record {
  contract: string;
  version: string;
}

const CW2_KEY = new TextEncoder().encode("contract_info");

/** The cw2 record of a deployed CosmWasm contract, or undefined when it has none. */
export async function wasmDeployedVersion(
  chain: { queryRaw(contract: string, key: Uint8Array): Promise<Uint8Array | null> },
  address: string,
): Promise<Cw2Record | undefined> {
  const raw = await chain.queryRaw(address, CW2_KEY);
  if (raw === null) return undefined;
  return JSON.parse(Buffer.from(raw).toString("utf8")) as Cw2Record;
}

/** `version()` of a deployed EVM contract (`contract`: its artifact name, for the ABI). */
export async function evmDeployedVersion(
  chain: EvmChain,
  contract: string,
  address: string,
): Promise<string | undefined> {
  try {
    const v = await evmView(chain, contract, address, "version");
    return typeof v === "string" ? v : undefined;
  } catch {
    // Code from before `version()` existed (or no code there): no version to compare.
    return undefined;
  }
}
