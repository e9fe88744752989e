import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { keccak256 } from "ethers";

import { readEvmArtifact } from "../chains/evm";
import { loadPlanFile, WASM_ARTIFACTS } from "../deployment/plan";
import { evmContractsOf } from "../deployment/release";
import { stableJson } from "../equivalence/canon";

/**
 * The artifact set of a build: keccak-256 of each EVM creation bytecode the plan deploys
 * and sha256 of each .wasm, plus one digest over both. The release manifest, the
 * equivalence report and the predeploy results all record it, so the release gate can
 * tell whether a report was produced from exactly the artifacts being released.
 */
export interface ArtifactSet {
  /** sha256 of the stable JSON of `{ evm, wasm }`. */
  digest: string;
  /** EVM contract name → keccak-256 of its creation bytecode. */
  evm: Record<string, string>;
  /** .wasm file name → sha256. */
  wasm: Record<string, string>;
}

export const sha256Hex = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

export function artifactSetOf(evm: Record<string, string>, wasm: Record<string, string>): ArtifactSet {
  return { digest: sha256Hex(stableJson({ evm, wasm })), evm, wasm };
}

/** The artifact set of the build on disk (artifacts/evm, artifacts/wasm). */
export function currentArtifactSet(wasmDir = WASM_ARTIFACTS, evmDir?: string): ArtifactSet {
  const evm: Record<string, string> = {};
  for (const name of evmContractsOf(loadPlanFile())) evm[name] = keccak256(readEvmArtifact(name, evmDir).bytecode);
  const wasm: Record<string, string> = {};
  if (existsSync(wasmDir))
    for (const f of readdirSync(wasmDir)
      .filter((x) => x.endsWith(".wasm"))
      .sort())
      wasm[f] = sha256Hex(readFileSync(path.join(wasmDir, f)));
  return artifactSetOf(evm, wasm);
}

/** Each artifact whose hash differs between two sets (or is in one only); empty when equal. */
export function artifactDifferences(recorded: Partial<ArtifactSet> | undefined, current: ArtifactSet): string[] {
  if (!recorded?.evm || !recorded.wasm) return ["no artifact checksums recorded"];
  const out: string[] = [];
  for (const [kind, now, then] of [
    ["EVM", current.evm, recorded.evm],
    ["wasm", current.wasm, recorded.wasm],
  ] as const) {
    for (const [name, hash] of Object.entries(now)) {
      if (then[name] === undefined) out.push(`${kind} ${name} not in the report`);
      else if (then[name] !== hash)
        out.push(`${kind} ${name}: report ${then[name].slice(0, 12)}…, build ${hash.slice(0, 12)}…`);
    }
    for (const name of Object.keys(then)) if (now[name] === undefined) out.push(`${kind} ${name} is not in this build`);
  }
  return out;
}
