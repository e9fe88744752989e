/**
 * Used by scripts/test-predeploy.sh: `before` saves the artifact set the suites start from;
 * `after <name>=<0|1>...` writes release/predeploy.json (VAGUS_RELEASE_DIR) with each
 * stage's outcome and the artifact set after the last stage (src/release/predeploy.ts).
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

import { atomicWriteJson } from "../src/deployment/fsx";
import { releaseDir } from "../src/deployment/release";
import { currentArtifactSet, type ArtifactSet } from "../src/release/artifacts";
import { writePredeployResults } from "../src/release/predeploy";

const dir = releaseDir();
const startFile = path.join(dir, ".predeploy-start.json");
const [mode, ...rest] = process.argv.slice(2);
if (mode === "before") {
  atomicWriteJson(startFile, currentArtifactSet());
} else if (mode === "after") {
  const stages = rest.map((a) => {
    const [name, code] = a.split("=");
    return { name, ok: code === "0" };
  });
  const before = existsSync(startFile) ? (JSON.parse(readFileSync(startFile, "utf8")) as ArtifactSet) : undefined;
  const r = writePredeployResults(dir, stages, currentArtifactSet(), before);
  rmSync(startFile, { force: true });
  console.log(
    `predeploy: results in ${path.relative(process.cwd(), path.join(dir, "predeploy.json"))} (${r.ok ? "green" : "red"}, artifacts ${r.artifactSet.digest.slice(0, 12)})`,
  );
} else {
  console.error("usage: record-predeploy.ts before | after <stage>=<exit code>...");
  process.exitCode = 1;
}
