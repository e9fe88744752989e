import { getAddress, keccak256 } from "ethers";

import {
  codeMatchesArtifact,
  proxyImplementation,
  readEvmArtifact,
  readEvmArtifactWithImmutables,
} from "../chains/evm";
import type { EvmChain, WasmChain } from "../chains/types";
import type { PlanFile } from "../deployment/plan";
import type { SyncFile } from "../deployment/sync";
import { RUN_FLAGS } from "../cli/flags";
import type { EquivalenceReport } from "../equivalence/report";
import { artifactDifferences, type ArtifactSet } from "./artifacts";
import { RELEASE } from "./codes";
import { REQUIRED_PREDEPLOY_STAGES, type PredeployResults } from "./predeploy";
import { compareSemver, evmDeployedVersion, wasmDeployedVersion } from "./versions";

/**
 * The release gates of `npm run prepare-deployment` (docs/decisions/0044): each item of
 * the pre-deployment checklist as a check with a code, so a release is refused when any
 * fails and the table says which and why.
 */

export interface GateItem {
  item: string;
  ok: boolean;
  /** The item's error code when it failed (src/release/codes.ts). */
  code?: number;
  detail: string;
}

const pass = (item: string, detail: string): GateItem => ({ item, ok: true, detail });
const fail = (item: string, code: number, detail: string): GateItem => ({ item, ok: false, code, detail });

/** One deployable component of this release: the plan's components and the timelock. */
export interface ReleaseComponent {
  /** Logical (plan / sync) name: `RateLimiter`, ..., `timelock`. */
  name: string;
  version: string;
  evmContract: string;
  wasmArtifact: string;
  /** keccak-256 of the EVM creation bytecode. */
  evmCreation: string;
  /** sha256 of the .wasm (undefined when the build has no such file). */
  wasmSha256?: string;
}

/** The components this build releases, with the spec's versions. */
export function releaseComponents(
  plan: Pick<PlanFile, "components" | "timelock">,
  versionOf: (specComponent: string) => string,
  set: ArtifactSet,
): ReleaseComponent[] {
  const out: ReleaseComponent[] = plan.components.map((c) => ({
    name: c.name,
    version: versionOf(c.spec),
    evmContract: c.evm.contract,
    wasmArtifact: c.wasm.artifact,
    evmCreation: set.evm[c.evm.contract],
    wasmSha256: set.wasm[c.wasm.artifact],
  }));
  out.push({
    name: "timelock",
    version: versionOf("Timelock"),
    evmContract: plan.timelock.evm.contract,
    wasmArtifact: plan.timelock.wasm.artifact,
    evmCreation: set.evm[plan.timelock.evm.contract],
    wasmSha256: set.wasm[plan.timelock.wasm.artifact],
  });
  return out;
}

/** What runs today where this release would go, for one component on one stack. */
export interface DeployedState {
  component: string;
  stack: "evm" | "wasm";
  /** `localhost`, `wasm-localnet`, or `previous release` for the manifest. */
  where: string;
  /** The pair's EVM network: the `--network` of a rollback command. */
  evmNetwork?: string;
  /** Version it reports (EVM `version()`, cw2); undefined when it has none. */
  version?: string;
  /** Whether its code is this release's artifact; undefined when unknown. */
  sameCode?: boolean;
  /** EVM implementation (proxy target) or contract (timelock) address. */
  implementation?: string;
  codeId?: number;
  /** Why it could not be read. */
  error?: string;
}

/** The version rule: code changed ⇒ version raised; code unchanged ⇒ version unchanged. */
export function versionGate(rel: ReleaseComponent, d: DeployedState): GateItem {
  const item = `version ${rel.name} (${d.stack}, ${d.where})`;
  if (d.error !== undefined) return fail(item, RELEASE.deployedUnreadable, d.error);
  if (d.version === undefined)
    return fail(
      item,
      RELEASE.deployedUnreadable,
      "the deployed contract reports no version (no version() / cw2 record)",
    );
  if (d.sameCode === undefined)
    return fail(item, RELEASE.deployedUnreadable, "the deployed code could not be compared");
  if (!d.sameCode) {
    return compareSemver(rel.version, d.version) > 0
      ? pass(item, `code changed, version ${d.version} → ${rel.version}`)
      : fail(
          item,
          RELEASE.versionNotRaised,
          `code changed but version ${rel.version} is not higher than the deployed ${d.version}: raise "version" in the spec file and run scripts/gen-versions.ts`,
        );
  }
  return rel.version === d.version
    ? pass(item, `code unchanged, version ${rel.version}`)
    : fail(
        item,
        RELEASE.versionWithoutChange,
        `code unchanged but version ${rel.version} differs from the deployed ${d.version}: a version names one code`,
      );
}

/** The release manifest's record of each component (written by prepare-deployment). */
export interface ManifestComponent {
  version: string;
  evmContract: string;
  evmCreationKeccak256: string;
  wasmArtifact: string;
  wasmSha256?: string;
}

/** The previous release as a deployed state (both stacks), from its manifest. */
export function deployedFromManifest(
  rel: ReleaseComponent[],
  previous: Record<string, ManifestComponent> | undefined,
): DeployedState[] {
  if (!previous) return [];
  const out: DeployedState[] = [];
  for (const r of rel) {
    const p = previous[r.name];
    if (!p) continue; // new in this release: nothing to compare with
    out.push({
      component: r.name,
      stack: "evm",
      where: "previous release",
      version: p.version,
      sameCode: p.evmCreationKeccak256 === r.evmCreation,
    });
    if (r.wasmSha256 !== undefined && p.wasmSha256 !== undefined)
      out.push({
        component: r.name,
        stack: "wasm",
        where: "previous release",
        version: p.version,
        sameCode: p.wasmSha256 === r.wasmSha256,
      });
  }
  return out;
}

/** Reads, on one network pair, the version and code of every released component recorded in its sync file. */
export async function deployedOnChains(
  rel: ReleaseComponent[],
  sync: SyncFile,
  evm: EvmChain,
  wasm: WasmChain,
): Promise<DeployedState[]> {
  const out: DeployedState[] = [];
  for (const r of rel) {
    const evmAddr = sync.evm.contracts[r.name];
    if (evmAddr) {
      const d: DeployedState = {
        component: r.name,
        stack: "evm",
        where: sync.evm.network,
        evmNetwork: sync.evm.network,
      };
      try {
        const proxied = r.name !== "timelock";
        // Checksummed, as sync.json and the address books write addresses.
        const impl = getAddress(proxied ? await proxyImplementation(evm, evmAddr) : evmAddr);
        d.implementation = impl;
        d.sameCode = codeMatchesArtifact(await evm.code(impl), readEvmArtifactWithImmutables(r.evmContract));
        d.version = await evmDeployedVersion(evm, r.evmContract, evmAddr);
      } catch (err) {
        d.error = `cannot read ${r.name} at ${evmAddr}: ${(err as Error).message}`;
      }
      out.push(d);
    }
    const wasmAddr = sync.wasm.contracts[r.name];
    if (wasmAddr) {
      const d: DeployedState = {
        component: r.name,
        stack: "wasm",
        where: sync.wasm.network,
        evmNetwork: sync.evm.network,
      };
      try {
        const info = await wasm.contractInfo(wasmAddr);
        if (!info) throw new Error("no contract at that address");
        d.codeId = info.codeId;
        d.sameCode = r.wasmSha256 !== undefined && (await wasm.codeChecksum(info.codeId)) === r.wasmSha256;
        d.version = (await wasmDeployedVersion(wasm, wasmAddr))?.version;
      } catch (err) {
        d.error = `cannot read ${r.name} at ${wasmAddr}: ${(err as Error).message}`;
      }
      out.push(d);
    }
  }
  return out;
}

/** The equivalence report: present, from exactly these artifacts, EQUIVALENT. */
export function equivalenceGate(report: EquivalenceReport | undefined, file: string, current: ArtifactSet): GateItem {
  const item = "equivalence report";
  if (!report) return fail(item, RELEASE.equivalenceMissing, `no ${file}: run npm run test:equivalence`);
  const diffs = artifactDifferences(report.artifactSet, current);
  if (diffs.length > 0)
    return fail(
      item,
      RELEASE.equivalenceStale,
      `${file} (${report.generatedAt}) is from other artifacts: ${diffs.slice(0, 4).join("; ")}${diffs.length > 4 ? ` (+${diffs.length - 4})` : ""}`,
    );
  if (report.verdict !== "EQUIVALENT") return fail(item, RELEASE.equivalenceRed, `verdict ${report.verdict}`);
  return pass(
    item,
    `EQUIVALENT, ${report.totals.passed}/${report.totals.scenarios} scenarios, artifacts ${current.digest.slice(0, 12)}`,
  );
}

/** The predeploy results: present, from exactly these artifacts, every required stage green. */
export function predeployGate(r: PredeployResults | undefined, file: string, current: ArtifactSet): GateItem {
  const item = "predeploy tests";
  if (!r) return fail(item, RELEASE.predeployMissing, `no ${file}: run npm run test:predeploy`);
  const diffs = artifactDifferences(r.artifactSet, current);
  if (r.artifactSetBefore && r.artifactSetBefore.digest !== r.artifactSet.digest)
    diffs.unshift("the artifacts changed while the suites ran");
  if (diffs.length > 0)
    return fail(
      item,
      RELEASE.predeployStale,
      `${file} (${r.generatedAt}) is from other artifacts: ${diffs.slice(0, 4).join("; ")}`,
    );
  const missing = REQUIRED_PREDEPLOY_STAGES.filter((s) => !r.stages.some((x) => x.name === s));
  const red = r.stages.filter((s) => !s.ok).map((s) => s.name);
  if (missing.length > 0 || red.length > 0)
    return fail(
      item,
      RELEASE.predeployRed,
      [red.length ? `failed: ${red.join(", ")}` : "", missing.length ? `did not run: ${missing.join(", ")}` : ""]
        .filter(Boolean)
        .join("; "),
    );
  return pass(item, `${r.stages.length} stages green (${r.stages.map((s) => s.name).join(", ")})`);
}

/** `npx hardhat run <script> --network <net> --flag value ...`: each flag is one of the run task's. */
export function checkRunCommand(line: string): string[] {
  const t = line.trim().split(/\s+/);
  const problems: string[] = [];
  if (t[0] !== "npx" || t[1] !== "hardhat" || t[2] !== "run" || !t[3]?.endsWith(".ts"))
    problems.push("not `npx hardhat run <script>.ts`");
  for (let i = 4; i < t.length; i++) {
    if (!t[i].startsWith("--")) {
      problems.push(`unexpected argument ${t[i]}`);
      continue;
    }
    const name = t[i].slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (name === "network") {
      if (!t[++i] || t[i].startsWith("--")) problems.push("--network needs a value");
      continue;
    }
    const flag = RUN_FLAGS.find((f) => f.name === name);
    if (!flag) problems.push(`unknown flag ${t[i]}`);
    else if (flag.kind === "string" && (!t[++i] || t[i].startsWith("--"))) problems.push(`${t[i - 1]} needs a value`);
  }
  return problems;
}

/** keccak-256 of an EVM artifact's creation bytecode (as the manifest records it). */
export function creationKeccak(contract: string): string {
  return keccak256(readEvmArtifact(contract).bytecode);
}

/** The table of every item, failed ones with their code. */
export function renderGateTable(items: GateItem[]): string {
  const w = Math.min(60, Math.max(4, ...items.map((i) => i.item.length)));
  const lines = [`${"item".padEnd(w)}  result  code   detail`, `${"-".repeat(w)}  ------  -----  ------`];
  for (const i of items)
    lines.push(
      `${i.item.padEnd(w)}  ${(i.ok ? "ok" : "FAIL").padEnd(6)}  ${String(i.code ?? "").padEnd(5)}  ${i.detail}`,
    );
  return lines.join("\n");
}
