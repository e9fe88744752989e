import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { keccak256 } from "ethers";

import type { DeployConfig } from "./config";
import { DeployError } from "./errors";
import { WASM_ARTIFACTS, type Plan, type PlanFile } from "./plan";

/**
 * The deploy sends only what was released: before anything is sent, the EVM creation
 * bytecode and the .wasm files of the plan are compared with the release manifest that
 * `npm run prepare-deployment` wrote (release/manifest.json, or VAGUS_RELEASE_DIR).
 *
 * - A manifest exists: every artifact the deploy will send must be listed in it with the
 *   same hash (keccak-256 of the creation bytecode, sha256 of the .wasm), else the deploy
 *   refuses, naming each difference. This holds on every network.
 * - No manifest: refused on a public network (the release step was skipped); allowed on
 *   the localnets, with a notice, since they are for development builds.
 */

export interface ReleaseManifest {
  git?: { commit?: string; dirty?: boolean };
  artifacts: {
    wasm: { file: string; sha256: string }[];
    evm: { contract: string; creationKeccak256: string }[];
  };
}

export function releaseDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.VAGUS_RELEASE_DIR ?? path.join(__dirname, "..", "..", "release"));
}

/** The EVM contracts a deployment of this plan creates: implementations, their proxy, the timelock. */
export function evmContractsOf(plan: Pick<PlanFile, "components" | "timelock">): string[] {
  return [...new Set([...plan.components.map((c) => c.evm.contract), "ERC1967Proxy", plan.timelock.evm.contract])];
}

/** What the deploy of `plan` will send, by artifact: EVM contract name / .wasm file name → hash. */
export interface OutgoingArtifacts {
  evm: Map<string, string>;
  wasm: Map<string, string>;
}

export async function outgoingArtifacts(
  plan: Plan,
  evm: { artifact(name: string): Promise<{ bytecode: string }> },
  wasmDir = WASM_ARTIFACTS,
): Promise<OutgoingArtifacts> {
  const out: OutgoingArtifacts = { evm: new Map(), wasm: new Map() };
  for (const name of evmContractsOf(plan)) out.evm.set(name, keccak256((await evm.artifact(name)).bytecode));
  const wasm = plan.components.map((c) => c.wasm.artifact);
  if (plan.wasmTimelock) wasm.push(plan.timelock.wasm.artifact);
  for (const file of wasm)
    out.wasm.set(
      file,
      createHash("sha256")
        .update(readFileSync(path.join(wasmDir, file)))
        .digest("hex"),
    );
  return out;
}

/** Each difference between what will be sent and the manifest; empty when all match. */
export function compareWithManifest(out: OutgoingArtifacts, manifest: ReleaseManifest): string[] {
  const problems: string[] = [];
  const evm = new Map(manifest.artifacts.evm.map((e) => [e.contract, e.creationKeccak256]));
  for (const [name, hash] of out.evm) {
    const released = evm.get(name);
    if (released === undefined) problems.push(`EVM ${name} is not in the release`);
    else if (released !== hash)
      problems.push(`EVM ${name}: creation bytecode keccak256 ${hash}, the release has ${released}`);
  }
  const wasm = new Map(manifest.artifacts.wasm.map((w) => [path.basename(w.file), w.sha256]));
  for (const [file, hash] of out.wasm) {
    const released = wasm.get(file);
    if (released === undefined) problems.push(`artifacts/wasm/${file} is not in the release`);
    else if (released !== hash) problems.push(`artifacts/wasm/${file}: sha256 ${hash}, the release has ${released}`);
  }
  return problems;
}

/** Throws a DeployError unless the artifacts match the release (see the module comment). */
export async function checkRelease(
  cfg: Pick<DeployConfig, "evmNetwork" | "evm" | "wasm">,
  plan: Plan,
  evm: { artifact(name: string): Promise<{ bytecode: string }> },
  opts: { env?: NodeJS.ProcessEnv; log?: (line: string) => void; wasmDir?: string } = {},
): Promise<void> {
  const dir = releaseDir(opts.env);
  const file = path.join(dir, "manifest.json");
  const rel = path.relative(process.cwd(), file) || file;
  const log = opts.log ?? ((l: string) => console.log(l));
  const local = Boolean(cfg.evm.local && cfg.wasm.local);
  if (!existsSync(file)) {
    if (local) {
      log(`notice: no release manifest (${rel}): the artifacts are not checked against a release (localnet)`);
      return;
    }
    throw new DeployError(`no release manifest ${rel}: refusing to deploy unreleased artifacts`, {
      step: "release",
      chain: `${cfg.evmNetwork}+${cfg.wasm.name}`,
      hint: "run `npm run prepare-deployment` (or set VAGUS_RELEASE_DIR to the release to deploy), then the same command again",
    });
  }
  let manifest: ReleaseManifest;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8")) as ReleaseManifest;
    if (!Array.isArray(manifest.artifacts?.evm) || !Array.isArray(manifest.artifacts?.wasm))
      throw new Error("no artifacts.evm / artifacts.wasm lists");
  } catch (err) {
    throw new DeployError(`${rel} is not a release manifest: ${(err as Error).message}`, {
      step: "release",
      hint: "run `npm run prepare-deployment` again",
    });
  }
  const problems = compareWithManifest(await outgoingArtifacts(plan, evm, opts.wasmDir), manifest);
  const commit = manifest.git?.commit?.slice(0, 12) ?? "unknown commit";
  if (problems.length > 0) {
    throw new DeployError(
      `the artifacts differ from the release in ${rel} (${commit}):\n  - ${problems.join("\n  - ")}`,
      {
        step: "release",
        chain: `${cfg.evmNetwork}+${cfg.wasm.name}`,
        hint: `build the released commit (${commit}) or, to release this build, run \`npm run prepare-deployment\``,
      },
    );
  }
  log(`release: the artifacts match ${rel} (${commit}${manifest.git?.dirty ? ", built from a dirty tree" : ""})`);
}
