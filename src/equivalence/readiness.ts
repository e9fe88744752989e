import { existsSync } from "node:fs";
import path from "node:path";

import { readEvmArtifact } from "../chains/evm";
import type { Spec } from "../spec";
import { loadScenarioFile, ScenarioError } from "./scenario";
import { defaultWasmArtifactsDir, wasmArtifactName } from "./stacks";

/**
 * Why a scenario cannot run yet: components the spec does not define, or whose artifact
 * is missing on a stack. An empty list means it can run. Malformed scenarios throw.
 */
export function missingForScenario(file: string, spec: Spec): string[] {
  let components: string[];
  try {
    components = loadScenarioFile(file, spec).components;
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    const m = /component (\w+) is not in the spec/g;
    const names = [...err.message.matchAll(m)].map((x) => x[1]);
    if (names.length === 0) throw err;
    return names.map((n) => `${n}: not in spec/ yet (its spec file has not merged)`);
  }
  const missing: string[] = [];
  for (const name of components) {
    const c = spec.component(name);
    try {
      readEvmArtifact(c.evmContract);
    } catch {
      missing.push(`${name}: no EVM artifact ${c.evmContract} (Solidity contract not merged or built)`);
    }
    const wasm = path.join(defaultWasmArtifactsDir(), wasmArtifactName(c.wasmContract));
    if (!existsSync(wasm))
      missing.push(`${name}: no CosmWasm artifact ${path.basename(wasm)} (contract not merged or built)`);
  }
  return missing;
}
