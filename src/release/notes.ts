import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

import { checkRunCommand, type DeployedState, type ReleaseComponent } from "./gates";
import { compareSemver } from "./versions";

/**
 * What `prepare-deployment` writes for people: release/NOTES.md (changes since the previous
 * release, protocol changes from spec/ first, then the dependency review) and
 * release/ROLLBACK.md (per component, what runs now and the commands that return to it).
 */

export function git(root: string, args: string[]): string {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}

// ───────────────────────── dependency review ─────────────────────────

/** An SBOM package: ecosystem (`npm`, `cargo`), name → version. */
export type PackageMap = Map<string, string>;

/** `pkg:npm/%40scope/name@1.2.3` / `pkg:cargo/name@1.2.3` of a CycloneDX JSON SBOM → `npm name` → version. */
export function sbomPackages(sbomJson: string): PackageMap {
  const bom = JSON.parse(sbomJson) as {
    components?: { purl?: string; name: string; version?: string; group?: string }[];
  };
  const out: PackageMap = new Map();
  for (const c of bom.components ?? []) {
    const m = /^pkg:(npm|cargo)\/(.+)@([^@?#]+)/.exec(c.purl ?? "");
    if (!m) continue;
    out.set(`${m[1]} ${decodeURIComponent(m[2])}`, m[3]);
  }
  return out;
}

export interface PackageDiff {
  added: { pkg: string; version: string }[];
  removed: { pkg: string; version: string }[];
  changed: { pkg: string; from: string; to: string }[];
}

export function diffPackages(before: PackageMap, after: PackageMap): PackageDiff {
  const d: PackageDiff = { added: [], removed: [], changed: [] };
  for (const [pkg, version] of after) {
    const was = before.get(pkg);
    if (was === undefined) d.added.push({ pkg, version });
    else if (was !== version) d.changed.push({ pkg, from: was, to: version });
  }
  for (const [pkg, version] of before) if (!after.has(pkg)) d.removed.push({ pkg, version });
  for (const l of [d.added, d.removed, d.changed]) l.sort((a, b) => a.pkg.localeCompare(b.pkg));
  return d;
}

export interface Outdated {
  ecosystem: "npm" | "cargo";
  name: string;
  current: string;
  latest: string;
  wanted?: string;
}

/** `npm outdated --json` (direct dependencies); the registry's metadata, never the audit endpoint. */
export function npmOutdated(root: string, timeoutMs = 60_000): { list: Outdated[]; error?: string } {
  const r = spawnSync("npm", ["outdated", "--json"], { cwd: root, encoding: "utf8", timeout: timeoutMs });
  // npm exits 1 when something is outdated: the JSON on stdout is the answer either way.
  try {
    const data = JSON.parse(r.stdout || "{}") as Record<
      string,
      { current?: string; wanted?: string; latest?: string; error?: unknown }
    >;
    if ("error" in data) throw new Error(JSON.stringify(data.error));
    return {
      list: Object.entries(data)
        .filter(([, v]) => v.current && v.latest)
        .map(([name, v]) => ({
          ecosystem: "npm" as const,
          name,
          current: v.current!,
          wanted: v.wanted,
          latest: v.latest!,
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  } catch (err) {
    return {
      list: [],
      error: `npm outdated gave no answer (${r.error?.message ?? (err as Error).message})`.slice(0, 300),
    };
  }
}

/**
 * Cargo: the workspace's direct dependencies (`cargo metadata`, offline) against the
 * newest non-yanked version in cargo's local copy of the crates.io index (as of the
 * last fetch; the date is in the notes). No network.
 */
export function cargoOutdated(
  root: string,
  cargoHome = process.env.CARGO_HOME ?? path.join(homedir(), ".cargo"),
): { list: Outdated[]; error?: string } {
  const r = spawnSync("cargo", ["metadata", "--format-version", "1", "--offline", "--locked"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  if (r.status !== 0) return { list: [], error: `cargo metadata failed: ${r.stderr.trim().split("\n").pop()}` };
  const meta = JSON.parse(r.stdout) as {
    packages: {
      id: string;
      name: string;
      version: string;
      source: string | null;
      dependencies: { name: string; source: string | null }[];
    }[];
    workspace_members: string[];
  };
  const members = new Set(meta.workspace_members);
  const direct = new Set<string>();
  for (const p of meta.packages)
    if (members.has(p.id)) for (const d of p.dependencies) if (d.source?.startsWith("registry+")) direct.add(d.name);
  const indexRoot = path.join(cargoHome, "registry", "index");
  const caches = existsSync(indexRoot)
    ? readdirSync(indexRoot)
        .map((d) => path.join(indexRoot, d, ".cache"))
        .filter(existsSync)
    : [];
  if (caches.length === 0) return { list: [], error: `no crates.io index cache under ${indexRoot}` };
  const list: Outdated[] = [];
  for (const name of [...direct].sort()) {
    const used = meta.packages
      .filter((p) => p.name === name && p.source?.startsWith("registry+"))
      .map((p) => p.version);
    const latest = newestInIndex(caches, name);
    if (!latest || used.length === 0) continue;
    const current = used.sort(compareSemverLoose).pop()!;
    if (compareSemverLoose(current, latest) < 0) list.push({ ecosystem: "cargo", name, current, latest });
  }
  return { list };
}

function compareSemverLoose(a: string, b: string): number {
  try {
    return compareSemver(a.replace(/\+.*$/, ""), b.replace(/\+.*$/, ""));
  } catch {
    return a.localeCompare(b);
  }
}

function indexPath(name: string): string {
  const n = name.toLowerCase();
  if (n.length <= 2) return path.join(String(n.length), n);
  if (n.length === 3) return path.join("3", n[0], n);
  return path.join(n.slice(0, 2), n.slice(2, 4), n);
}

function newestInIndex(caches: string[], name: string): string | undefined {
  for (const c of caches) {
    const f = path.join(c, indexPath(name));
    if (!existsSync(f)) continue;
    let best: string | undefined;
    for (const chunk of readFileSync(f).toString("utf8").split("\0")) {
      if (!chunk.startsWith("{")) continue;
      try {
        const e = JSON.parse(chunk) as { vers: string; yanked?: boolean };
        if (e.yanked || e.vers.includes("-")) continue;
        if (!best || compareSemverLoose(best, e.vers) < 0) best = e.vers;
      } catch {
        /* not an index line */
      }
    }
    if (best) return best;
  }
  return undefined;
}

// ───────────────────────── release notes ─────────────────────────

export interface NotesInput {
  root: string;
  version: string;
  commit: string;
  dirty: boolean;
  /** The previous release's commit (its manifest), if any. */
  previousCommit?: string;
  previousVersion?: string;
  components: ReleaseComponent[];
  deployed: DeployedState[];
  packages?: PackageDiff;
  previousSbom: boolean;
  outdated: { npm: { list: Outdated[]; error?: string }; cargo: { list: Outdated[]; error?: string } };
}

/** A component file's `version` at a commit (undefined when the file did not exist). */
function specVersionAt(root: string, commit: string, file: string): string | undefined {
  try {
    return (JSON.parse(git(root, ["show", `${commit}:${file}`])) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

export function releaseNotes(n: NotesInput): string {
  const L: string[] = [];
  const range = n.previousCommit ? `${n.previousCommit}..${n.commit}` : n.commit;
  L.push(`# Release ${n.version} (${n.commit.slice(0, 12)}${n.dirty ? ", built from a dirty tree" : ""})`, "");
  L.push(
    n.previousCommit
      ? `Changes since the previous release (${n.previousVersion ?? "?"}, ${n.previousCommit.slice(0, 12)}).`
      : "First release: no previous release recorded (release/manifest.json), so every commit is listed.",
    "",
  );

  L.push("## Protocol changes (spec/)", "");
  const specFiles = n.previousCommit
    ? git(n.root, ["diff", "--name-status", range, "--", "spec/"])
    : git(n.root, ["ls-files", "spec/"]);
  if (!specFiles) L.push("None: spec/ is unchanged.");
  else {
    for (const line of specFiles.split("\n")) {
      const parts = line.split("\t");
      const file = parts[parts.length - 1];
      const status = n.previousCommit ? parts[0] : "A";
      let extra = "";
      if (n.previousCommit && file.endsWith(".json")) {
        const before = specVersionAt(n.root, n.previousCommit, file);
        const after = specVersionAt(n.root, n.commit, file);
        if (before !== after) extra = ` — version ${before ?? "none"} → ${after ?? "none"}`;
      }
      L.push(`- ${{ A: "added", M: "changed", D: "removed" }[status[0]] ?? status} \`${file}\`${extra}`);
    }
    const specLog = git(n.root, ["log", "--format=- %h %s", range, "--", "spec/"]);
    if (specLog) L.push("", "Commits touching spec/:", "", specLog);
  }
  L.push("");

  L.push("## Contract versions", "", "| component | this release | deployed (where) | code |", "|---|---|---|---|");
  for (const c of n.components) {
    const ds = n.deployed.filter((d) => d.component === c.name);
    if (ds.length === 0) L.push(`| ${c.name} | ${c.version} | not deployed | new |`);
    for (const d of ds)
      L.push(
        `| ${c.name} | ${c.version} | ${d.version ?? "unknown"} (${d.stack}, ${d.where}) | ${d.sameCode === undefined ? "unknown" : d.sameCode ? "unchanged" : "changed"} |`,
      );
  }
  L.push("");

  L.push("## Changes", "");
  const log = git(n.root, ["log", "--no-merges", "--format=- %h %s", n.previousCommit ? range : n.commit])
    .split("\n")
    .filter(Boolean);
  L.push(...log.slice(0, 300));
  if (log.length > 300) L.push(`- … and ${log.length - 300} older commits (git log ${range})`);
  L.push("");

  L.push("## Dependency review", "");
  if (!n.packages)
    L.push(
      n.previousSbom ? "The previous SBOM could not be read." : "No previous SBOM (first release): nothing to compare.",
    );
  else {
    const p = n.packages;
    L.push(
      `SBOM difference from the previous release: ${p.added.length} added, ${p.removed.length} removed, ${p.changed.length} changed version.`,
      "",
    );
    for (const eco of ["npm", "cargo"]) {
      const of = <T extends { pkg: string }>(l: T[]) => l.filter((x) => x.pkg.startsWith(`${eco} `));
      const a = of(p.added),
        r = of(p.removed),
        c = of(p.changed);
      L.push(`### ${eco}`, "");
      if (a.length + r.length + c.length === 0) L.push("No change.");
      for (const x of a) L.push(`- added ${x.pkg.slice(eco.length + 1)} ${x.version}`);
      for (const x of r) L.push(`- removed ${x.pkg.slice(eco.length + 1)} ${x.version}`);
      for (const x of c) L.push(`- changed ${x.pkg.slice(eco.length + 1)} ${x.from} → ${x.to}`);
      L.push("");
    }
  }
  L.push("### Behind their newest release", "");
  for (const [eco, o] of [
    ["npm", n.outdated.npm],
    ["cargo", n.outdated.cargo],
  ] as const) {
    if (o.error) L.push(`- ${eco}: not checked: ${o.error}`);
    else if (o.list.length === 0) L.push(`- ${eco}: every direct dependency is at its newest release.`);
    else
      for (const x of o.list)
        L.push(
          `- ${eco} ${x.name}: ${x.current} (newest ${x.latest}${x.wanted && x.wanted !== x.current ? `, ${x.wanted} within the range` : ""})`,
        );
  }
  L.push(
    "",
    "npm: `npm outdated` (registry metadata; the audit endpoint is not used). cargo: the workspace's direct dependencies against cargo's local crates.io index.",
    "",
  );
  return `${L.join("\n")}\n`;
}

// ───────────────────────── rollback plan ─────────────────────────

export const ROLLBACK_SCRIPT = "scripts/rollback.ts";

export interface RollbackLine {
  component: string;
  stack: "evm" | "wasm";
  network: string;
  version?: string;
  to: string;
  replaced: boolean;
  command: string;
}

/** The rollback commands back to what runs now, per component and stack of each target. */
export function rollbackLines(deployed: DeployedState[]): RollbackLine[] {
  const out: RollbackLine[] = [];
  for (const d of deployed) {
    if (d.where === "previous release" || d.error || !d.evmNetwork) continue;
    const to = d.stack === "evm" ? d.implementation : d.codeId?.toString();
    if (!to) continue;
    out.push({
      component: d.component,
      stack: d.stack,
      network: d.where,
      version: d.version,
      to,
      replaced: d.sameCode === false,
      command: `npx hardhat run ${ROLLBACK_SCRIPT} --network ${d.evmNetwork} --component ${d.component} --stacks ${d.stack} --to ${to}`,
    });
  }
  return out;
}

export function rollbackPlan(
  version: string,
  commit: string,
  lines: RollbackLine[],
): { text: string; problems: string[] } {
  const problems = lines.flatMap((l) => checkRunCommand(l.command).map((p) => `${l.component} ${l.stack}: ${p}`));
  const L: string[] = [`# Rollback plan for release ${version} (${commit.slice(0, 12)})`, ""];
  if (lines.length === 0) {
    L.push(
      "No target network has a deployment of these components: a rollback returns to nothing. Name the targets with VAGUS_RELEASE_NETWORKS.",
    );
  } else {
    L.push(
      "Per component and stack, the version deployed now, which this release replaces, and the command that returns to it through governance (the timelock on each stack). Run it with `--dry-run` first.",
      "",
      "| component | stack | network | deployed now | replaced by this release | roll back to |",
      "|---|---|---|---|---|---|",
    );
    for (const l of lines)
      L.push(
        `| ${l.component} | ${l.stack} | ${l.network} | ${l.version ?? "unknown"} | ${l.replaced ? "yes" : "no (same code)"} | \`${l.to}\` |`,
      );
    L.push("");
    for (const comp of [...new Set(lines.map((l) => l.component))]) {
      L.push(`## ${comp}`, "", "```bash");
      for (const l of lines.filter((x) => x.component === comp))
        L.push(
          `# ${l.stack} (${l.network}): back to ${l.version ?? "?"}${l.replaced ? "" : " — unchanged by this release"}`,
          l.command,
        );
      L.push("```", "");
    }
  }
  return { text: `${L.join("\n")}\n`, problems };
}
