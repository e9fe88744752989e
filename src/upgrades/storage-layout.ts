/**
 * Upgrade safety of the UUPS contracts, on OpenZeppelin's own validation
 * (`@openzeppelin/upgrades-core`) run on Hardhat's build-info:
 *
 * - the storage layout of a contract, ERC-7201 namespaces included (their struct types are
 *   not in solc's normal layout output, so the build's input is recompiled once per
 *   build-info through `makeNamespacedInput`, storage layout only);
 * - the committed snapshot of the previous release's layouts (`deploy/storage-layouts.json`,
 *   refreshed on release by `npm run layouts:snapshot`);
 * - the compatibility report of an upgrade from one layout to another.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import * as core from "@openzeppelin/upgrades-core";

import { atomicWriteJson } from "../deployment/fsx";

// solc ships no types; the in-process compiler is the version hardhat.config.ts pins.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const solc = require("solc") as { compile(input: string): string };

export const ROOT = path.resolve(__dirname, "../..");
export const ARTIFACTS = path.join(ROOT, "artifacts/evm");
export const SNAPSHOT = path.join(ROOT, "deploy/storage-layouts.json");

export interface LayoutSnapshot {
  /** The package version the layouts were taken from. */
  release: string;
  /** Fully qualified name (`contracts/X.sol:X`) → its storage layout. */
  layouts: Record<string, core.StorageLayout>;
}

interface BuildInfo {
  solcVersion: string;
  input: core.SolcInput;
  output: core.SolcOutput;
}

const runs = new Map<string, core.ValidationRunData>();

/** The `.dbg.json` of a contract's artifact names the build-info that produced it. */
function buildInfoPath(fullName: string): string {
  const [source, name] = fullName.split(":");
  const dbg = path.join(ARTIFACTS, source, `${name}.dbg.json`);
  if (!existsSync(dbg)) {
    throw new Error(`E_LAYOUT_NO_BUILD: ${path.relative(ROOT, dbg)} is missing: run \`npm run build:evm\``);
  }
  return path.resolve(path.dirname(dbg), JSON.parse(readFileSync(dbg, "utf8")).buildInfo);
}

function validationOf(fullName: string): core.ValidationRunData {
  const file = buildInfoPath(fullName);
  let run = runs.get(file);
  if (!run) {
    const bi = JSON.parse(readFileSync(file, "utf8")) as BuildInfo;
    const namespacedInput = core.makeNamespacedInput(bi.input, bi.output, bi.solcVersion);
    const namespaced = JSON.parse(solc.compile(JSON.stringify(namespacedInput))) as core.SolcOutput;
    const errors = (namespaced.errors ?? []).filter((e) => e.severity === "error");
    if (errors.length > 0) {
      throw new Error(`E_LAYOUT_NAMESPACED: ${errors.map((e) => e.formattedMessage).join("\n")}`);
    }
    const decodeSrc = core.solcInputOutputDecoder(bi.input, bi.output);
    run = core.validate(bi.output, decodeSrc, bi.solcVersion, bi.input, namespaced);
    runs.set(file, run);
  }
  return run;
}

/** The storage layout of `contracts/X.sol:X`, namespaces included. */
export function layoutOf(fullName: string): core.StorageLayout {
  const run = validationOf(fullName);
  return core.getStorageLayout([run], core.getContractVersion(run, fullName));
}

/** Whether the contract is a UUPS implementation (proxied, hence layout-bound). */
export function isUups(fullName: string): boolean {
  const run = validationOf(fullName);
  return core.inferProxyKind([run], core.getContractVersion(run, fullName)) === "uups";
}

/** The UUPS contracts of the protocol: `contracts/*.sol`, not test/, interfaces, libraries. */
export function protocolContracts(): string[] {
  const dir = path.join(ARTIFACTS, "contracts");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sol"))
    .flatMap((f) =>
      readdirSync(path.join(dir, f))
        .filter((a) => a.endsWith(".json") && !a.endsWith(".dbg.json"))
        .map((a) => `contracts/${f}:${a.slice(0, -".json".length)}`),
    )
    .filter(isUups)
    .sort();
}

/** OpenZeppelin's report for upgrading a proxy from `original` to `updated`. */
export function upgradeReport(original: core.StorageLayout, updated: core.StorageLayout) {
  return core.getStorageUpgradeReport(original, updated, core.withValidationDefaults({}));
}

export function readSnapshot(): LayoutSnapshot {
  return JSON.parse(readFileSync(SNAPSHOT, "utf8")) as LayoutSnapshot;
}

/** Writes the layouts of today's build as the snapshot the next release is checked against. */
export function writeSnapshot(release: string): LayoutSnapshot {
  const layouts: Record<string, core.StorageLayout> = {};
  for (const name of protocolContracts()) layouts[name] = layoutOf(name);
  const snapshot = { release, layouts };
  atomicWriteJson(SNAPSHOT, snapshot);
  return snapshot;
}
