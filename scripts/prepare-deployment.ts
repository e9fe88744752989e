/**
 * `npm run prepare-deployment` (after scripts/prepare-deployment.sh has built both
 * stacks): checksums of every deployable artifact, a CycloneDX 1.6 SBOM of the npm and
 * cargo dependencies (validated against the CycloneDX schema before it is written), and a
 * release manifest, in release/ (or VAGUS_RELEASE_DIR). The deploy checks the artifacts
 * it sends against this manifest (src/deployment/release.ts).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { keccak256 } from "ethers";

import { evmArtifactPath } from "../src/chains/evm";
import { atomicWriteJson, atomicWrite } from "../src/deployment/fsx";
import { loadPlanFile } from "../src/deployment/plan";
import { evmContractsOf } from "../src/deployment/release";
import { buildSbom, SBOM_SPEC, serializeSbom, validateSbom } from "../src/deploy/sbom";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.resolve(process.env.VAGUS_RELEASE_DIR ?? path.join(ROOT, "release"));
const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

function git(args: string[]): string {
  return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
}

async function main(): Promise<void> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
    license?: string;
  };
  const plan = loadPlanFile();
  // Checksums of the wasm artifacts (must match artifacts/wasm/checksums.txt, the build's own list).
  const wasmDir = path.join(ROOT, "artifacts", "wasm");
  const listed = new Map(
    readFileSync(path.join(wasmDir, "checksums.txt"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(/\s+/).reverse() as [string, string]),
  );
  const wasm = readdirSync(wasmDir)
    .filter((f) => f.endsWith(".wasm"))
    .sort()
    .map((f) => {
      const bytes = readFileSync(path.join(wasmDir, f));
      const sum = sha256(bytes);
      if (listed.get(f) !== sum)
        throw new Error(
          `${f}: sha256 ${sum} is not the one in artifacts/wasm/checksums.txt; rebuild (npm run build:wasm)`,
        );
      return { file: `artifacts/wasm/${f}`, bytes: bytes.length, sha256: sum };
    });
  const evm = evmContractsOf(plan).map((name) => {
    const file = evmArtifactPath(name);
    const a = JSON.parse(readFileSync(file, "utf8")) as {
      bytecode: string;
      deployedBytecode: string;
      sourceName: string;
    };
    return {
      contract: name,
      source: a.sourceName,
      artifact: path.relative(ROOT, file),
      creationKeccak256: keccak256(a.bytecode),
      runtimeKeccak256: keccak256(a.deployedBytecode),
      runtimeBytes: (a.deployedBytecode.length - 2) / 2,
    };
  });
  const sbom = buildSbom(ROOT, pkg);
  const sbomText = serializeSbom(sbom);
  const invalid = await validateSbom(sbomText);
  if (invalid.length > 0)
    throw new Error(`the SBOM does not match the CycloneDX ${SBOM_SPEC.version} schema:\n  ${invalid.join("\n  ")}`);
  atomicWrite(path.join(OUT, "sbom.cdx.json"), sbomText);
  const cargoLock = readFileSync(path.join(ROOT, "Cargo.lock"), "utf8");
  const crateVersion = (name: string) =>
    new RegExp(`name = "${name}"\\nversion = "([^"]+)"`).exec(cargoLock)?.[1] ?? null;
  const npmVersion = (name: string) => {
    const p = path.join(ROOT, "node_modules", name, "package.json");
    return existsSync(p) ? (JSON.parse(readFileSync(p, "utf8")) as { version: string }).version : null;
  };
  const wasmdInfo = path.join(
    process.env.VAGUS_CACHE_DIR ?? path.join(process.env.HOME ?? "", ".cache", "vagus"),
    "wasmd-v0.54.9",
    "build-info.json",
  );
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    created: new Date().toISOString(),
    git: {
      commit: git(["rev-parse", "HEAD"]),
      branch: git(["rev-parse", "--abbrev-ref", "HEAD"]),
      dirty: git(["status", "--porcelain", "--untracked-files=no"]) !== "",
    },
    versions: {
      node: process.version,
      solc: npmVersion("solc"),
      hardhat: npmVersion("hardhat"),
      ethers: npmVersion("ethers"),
      "@openzeppelin/contracts-upgradeable": npmVersion("@openzeppelin/contracts-upgradeable"),
      "@cosmjs/cosmwasm-stargate": npmVersion("@cosmjs/cosmwasm-stargate"),
      "cosmwasm-std": crateVersion("cosmwasm-std"),
      "cosmwasm-vm": crateVersion("cosmwasm-vm"),
      wasmd: existsSync(wasmdInfo) ? (JSON.parse(readFileSync(wasmdInfo, "utf8")) as Record<string, unknown>) : null,
    },
    artifacts: { wasm, evm },
    sbom: {
      file: "sbom.cdx.json",
      format: `CycloneDX ${SBOM_SPEC.version} JSON`,
      sha256: sha256(sbomText),
      components: sbom.components.size,
    },
    spec: { sha256: sha256(readFileSync(path.join(ROOT, "spec", "common.json"))) },
  };
  atomicWriteJson(path.join(OUT, "manifest.json"), manifest);
  atomicWrite(
    path.join(OUT, "checksums.txt"),
    [...wasm.map((w) => `${w.sha256}  ${w.file}`), `${manifest.sbom.sha256}  sbom.cdx.json`].join("\n") + "\n",
  );
  console.log(
    `prepare-deployment: ${wasm.length} wasm + ${evm.length} EVM artifacts, SBOM with ${sbom.components.size} components (validated), commit ${manifest.git.commit.slice(0, 12)}${manifest.git.dirty ? " (dirty tree)" : ""}`,
  );
  console.log(`  wrote ${path.relative(ROOT, OUT)}/{manifest.json,sbom.cdx.json,checksums.txt}`);
}

main().catch((err: unknown) => {
  console.error(`prepare-deployment: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
