import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { startJsonRpcEvm } from "../chains/evm";
import { envList } from "../cli/flags";
import { REPO_ROOT, resolveConfig } from "../deployment/config";
import { connectWasmChain } from "../deployment/endpoints";
import { atomicWrite, atomicWriteJson } from "../deployment/fsx";
import { loadPlanFile } from "../deployment/plan";
import { readSync } from "../deployment/sync";
import type { EquivalenceReport } from "../equivalence/report";
import { buildSbom, SBOM_SPEC, serializeSbom, validateSbom } from "../deploy/sbom";
import { loadSpec } from "../spec";
import { currentArtifactSet, sha256Hex, type ArtifactSet } from "./artifacts";
import { RELEASE } from "./codes";
import {
  deployedFromManifest,
  deployedOnChains,
  equivalenceGate,
  predeployGate,
  releaseComponents,
  versionGate,
  type DeployedState,
  type GateItem,
  type ManifestComponent,
} from "./gates";
import {
  cargoOutdated,
  diffPackages,
  git,
  npmOutdated,
  releaseNotes,
  rollbackLines,
  rollbackPlan,
  sbomPackages,
} from "./notes";
import { readPredeployResults, predeployFile } from "./predeploy";

/**
 * `npm run prepare-deployment` after the build: every gate of the pre-deployment
 * checklist (src/release/gates.ts), then, only when all pass, the release in release/
 * (VAGUS_RELEASE_DIR): manifest.json, sbom.cdx.json, checksums.txt, NOTES.md, ROLLBACK.md.
 * gates.json (the table as JSON) is written either way. A refused release leaves the
 * previous release's files in place, so the deploy's manifest check keeps refusing the
 * new build.
 *
 * Inputs (environment): VAGUS_RELEASE_NETWORKS (EVM networks whose deployments the
 * release replaces, comma-separated; each with its CosmWasm network, deploy/networks.json),
 * VAGUS_EQUIVALENCE_REPORT (default reports/equivalence/equivalence.json),
 * VAGUS_SKIP_OUTDATED=1 (no `npm outdated`: no registry access).
 */

export interface PrepareResult {
  ok: boolean;
  items: GateItem[];
  dir: string;
}

interface PreviousManifest {
  version?: string;
  git?: { commit?: string };
  components?: Record<string, ManifestComponent>;
}

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;
}

function evmUrlOf(network: string, env: NodeJS.ProcessEnv, urlEnv?: string): string | undefined {
  if (urlEnv) return env[urlEnv];
  if (network === "localhost") return `http://127.0.0.1:${env.VAGUS_EVM_PORT ?? "8545"}`;
  return undefined;
}

export async function prepareRelease(opts: {
  dir: string;
  env?: NodeJS.ProcessEnv;
  log?: (l: string) => void;
  root?: string;
}): Promise<PrepareResult> {
  const env = opts.env ?? process.env;
  const root = opts.root ?? REPO_ROOT;
  const log = opts.log ?? ((l: string) => console.log(l));
  const dir = opts.dir;
  const items: GateItem[] = [];
  const spec = loadSpec();
  const plan = loadPlanFile();
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    name: string;
    version: string;
    license?: string;
  };

  // The previous release, read before anything here is overwritten.
  const previous = readJson<PreviousManifest>(path.join(dir, "manifest.json"));
  const previousSbomFile = path.join(dir, "sbom.cdx.json");
  const previousSbom = existsSync(previousSbomFile) ? readFileSync(previousSbomFile, "utf8") : undefined;

  // Artifacts: the wasm files are the build's (checksums.txt), then one set for every gate.
  const wasmDir = path.join(root, "artifacts", "wasm");
  const listed = new Map(
    readFileSync(path.join(wasmDir, "checksums.txt"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(/\s+/).reverse() as [string, string]),
  );
  const set: ArtifactSet = currentArtifactSet(wasmDir);
  const inconsistent = Object.entries(set.wasm)
    .filter(([f, h]) => listed.get(f) !== h)
    .map(([f]) => f);
  items.push(
    inconsistent.length
      ? {
          item: "artifacts",
          ok: false,
          code: RELEASE.artifactsInconsistent,
          detail: `not the build's checksums.txt: ${inconsistent.join(", ")}; rebuild (npm run build:wasm)`,
        }
      : {
          item: "artifacts",
          ok: true,
          detail: `${Object.keys(set.evm).length} EVM + ${Object.keys(set.wasm).length} wasm, set ${set.digest.slice(0, 12)}`,
        },
  );
  const versionOf = (c: string) => spec.component(c).version;
  const components = releaseComponents(plan, versionOf, set);

  // What runs today: the previous release, and each target network's chains.
  const deployed: DeployedState[] = deployedFromManifest(components, previous?.components);
  const targets = envList("VAGUS_RELEASE_NETWORKS", env) ?? [];
  for (const net of targets) {
    try {
      const cfg = resolveConfig({
        evmNetwork: net,
        evmUrl: evmUrlOf(net, env),
        env: { ...env, VAGUS_DRY_RUN: "1" },
        requireKey: false,
      });
      const sync = readSync(cfg);
      if (!sync) {
        items.push({
          item: `target ${net}`,
          ok: true,
          detail: `nothing deployed on ${net}+${cfg.wasm.name}: every component is new there`,
        });
        continue;
      }
      const url = evmUrlOf(net, env, cfg.evm.urlEnv);
      if (!url) throw new Error(`no JSON-RPC URL for ${net}`);
      const evm = await startJsonRpcEvm({ url });
      const wasm = await connectWasmChain(cfg, { signer: false, env });
      try {
        deployed.push(...(await deployedOnChains(components, sync, evm, wasm)));
      } finally {
        await Promise.all([evm.close(), wasm.close()]);
      }
      items.push({
        item: `target ${net}`,
        ok: true,
        detail: `deployment ${sync.deployment} on ${net}+${cfg.wasm.name} read`,
      });
    } catch (err) {
      items.push({
        item: `target ${net}`,
        ok: false,
        code: RELEASE.deployedUnreadable,
        detail: (err as Error).message.split("\n")[0],
      });
    }
  }
  if (deployed.length === 0)
    items.push({
      item: "versions",
      ok: true,
      detail: "no previous release and no target deployment: nothing to compare (first release)",
    });
  for (const c of components)
    for (const d of deployed.filter((x) => x.component === c.name)) items.push(versionGate(c, d));

  // Reports produced from exactly these artifacts.
  const eqFile = path.resolve(
    root,
    env.VAGUS_EQUIVALENCE_REPORT ?? path.join("reports", "equivalence", "equivalence.json"),
  );
  items.push(equivalenceGate(readJson<EquivalenceReport>(eqFile), path.relative(root, eqFile), set));
  items.push(predeployGate(readPredeployResults(dir), path.relative(root, predeployFile(dir)), set));

  // SBOM: regenerated and validated.
  const sbom = buildSbom(root, pkg);
  const sbomText = serializeSbom(sbom);
  const invalid = await validateSbom(sbomText);
  items.push(
    invalid.length
      ? {
          item: "SBOM",
          ok: false,
          code: RELEASE.sbomInvalid,
          detail: `not CycloneDX ${SBOM_SPEC.version}: ${invalid.slice(0, 3).join("; ")}`,
        }
      : {
          item: "SBOM",
          ok: true,
          detail: `CycloneDX ${SBOM_SPEC.version}, ${sbom.components.size} components, validated`,
        },
  );

  // Release notes with the dependency review.
  const commit = git(root, ["rev-parse", "HEAD"]);
  const dirty = git(root, ["status", "--porcelain", "--untracked-files=no"]) !== "";
  let notes: string | undefined;
  try {
    let previousCommit = previous?.git?.commit;
    if (previousCommit && !tryGit(root, ["cat-file", "-e", `${previousCommit}^{commit}`])) previousCommit = undefined;
    const skipOutdated = env.VAGUS_SKIP_OUTDATED === "1";
    notes = releaseNotes({
      root,
      version: pkg.version,
      commit,
      dirty,
      previousCommit,
      previousVersion: previous?.version,
      components,
      deployed,
      previousSbom: previousSbom !== undefined,
      packages: previousSbom ? diffPackages(sbomPackages(previousSbom), sbomPackages(sbomText)) : undefined,
      outdated: {
        npm: skipOutdated ? { list: [], error: "skipped (VAGUS_SKIP_OUTDATED=1)" } : npmOutdated(root),
        cargo: cargoOutdated(root),
      },
    });
    items.push({
      item: "release notes",
      ok: true,
      detail: previousCommit ? `since ${previousCommit.slice(0, 12)}` : "first release (no previous manifest)",
    });
  } catch (err) {
    items.push({
      item: "release notes",
      ok: false,
      code: RELEASE.notesFailed,
      detail: (err as Error).message.split("\n")[0],
    });
  }

  // Rollback plan: back to what runs now on each target.
  const lines = rollbackLines(deployed);
  const plan2 = rollbackPlan(pkg.version, commit, lines);
  const missingTargets = targets.length === 0;
  if (plan2.problems.length > 0)
    items.push({
      item: "rollback plan",
      ok: false,
      code: RELEASE.rollbackPlanFailed,
      detail: plan2.problems.slice(0, 3).join("; "),
    });
  else
    items.push({
      item: "rollback plan",
      ok: true,
      detail: missingTargets
        ? "no target network named (VAGUS_RELEASE_NETWORKS): the plan lists none"
        : `${lines.length} commands`,
    });

  const ok = items.every((i) => i.ok);
  atomicWriteJson(path.join(dir, "gates.json"), {
    generatedAt: new Date().toISOString(),
    commit,
    ok,
    artifactSet: set,
    items,
  });
  if (!ok) return { ok, items, dir };

  atomicWrite(path.join(dir, "sbom.cdx.json"), sbomText);
  const sbomSha = sha256Hex(sbomText);
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    created: new Date().toISOString(),
    git: { commit, branch: git(root, ["rev-parse", "--abbrev-ref", "HEAD"]), dirty },
    artifacts: {
      wasm: Object.entries(set.wasm).map(([f, h]) => ({
        file: `artifacts/wasm/${f}`,
        bytes: readFileSync(path.join(wasmDir, f)).length,
        sha256: h,
      })),
      evm: Object.entries(set.evm).map(([contract, h]) => ({ contract, creationKeccak256: h })),
    },
    artifactSet: set,
    components: Object.fromEntries(
      components.map((c): [string, ManifestComponent] => [
        c.name,
        {
          version: c.version,
          evmContract: c.evmContract,
          evmCreationKeccak256: c.evmCreation,
          wasmArtifact: c.wasmArtifact,
          wasmSha256: c.wasmSha256,
        },
      ]),
    ),
    sbom: {
      file: "sbom.cdx.json",
      format: `CycloneDX ${SBOM_SPEC.version} JSON`,
      sha256: sbomSha,
      components: sbom.components.size,
    },
    spec: { sha256: sha256Hex(readFileSync(path.join(root, "spec", "common.json"))) },
  };
  atomicWriteJson(path.join(dir, "manifest.json"), manifest);
  atomicWrite(
    path.join(dir, "checksums.txt"),
    [...manifest.artifacts.wasm.map((w) => `${w.sha256}  ${w.file}`), `${sbomSha}  sbom.cdx.json`].join("\n") + "\n",
  );
  atomicWrite(path.join(dir, "NOTES.md"), notes ?? "");
  atomicWrite(path.join(dir, "ROLLBACK.md"), plan2.text);
  log(
    `prepare-deployment: wrote ${path.relative(process.cwd(), dir) || "."}/{manifest.json,sbom.cdx.json,checksums.txt,NOTES.md,ROLLBACK.md}`,
  );
  return { ok, items, dir };
}

function tryGit(root: string, args: string[]): boolean {
  try {
    git(root, args);
    return true;
  } catch {
    return false;
  }
}
