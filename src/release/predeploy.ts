import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { atomicWriteJson } from "../deployment/fsx";
import type { ArtifactSet } from "./artifacts";

/**
 * The results of `npm run test:predeploy` (release/predeploy.json): each stage and whether
 * it passed, with the artifact set the suites ran on, taken before the first stage and
 * again after the last (a suite that rebuilt the artifacts makes them differ, and the
 * results then belong to no single build).
 */
export interface PredeployResults {
  generatedAt: string;
  ok: boolean;
  stages: { name: string; ok: boolean }[];
  artifactSet: ArtifactSet;
  /** The set before the first stage; equal to `artifactSet` when nothing was rebuilt. */
  artifactSetBefore?: ArtifactSet;
}

/** Stages a release needs (by the name test-predeploy.sh gives them). */
export const REQUIRED_PREDEPLOY_STAGES = ["evm", "wasm", "equivalence"] as const;

export function predeployFile(dir: string): string {
  return path.join(dir, "predeploy.json");
}

export function writePredeployResults(
  dir: string,
  stages: { name: string; ok: boolean }[],
  artifactSet: ArtifactSet,
  artifactSetBefore?: ArtifactSet,
): PredeployResults {
  const r: PredeployResults = {
    generatedAt: new Date().toISOString(),
    ok: stages.length > 0 && stages.every((s) => s.ok),
    stages,
    artifactSet,
    artifactSetBefore,
  };
  atomicWriteJson(predeployFile(dir), r);
  return r;
}

export function readPredeployResults(dir: string): PredeployResults | undefined {
  const f = predeployFile(dir);
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as PredeployResults) : undefined;
}
