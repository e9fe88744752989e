import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * A CycloneDX 1.5 JSON SBOM of the project's npm dependencies (package-lock.json v2/v3)
 * and cargo dependencies (`cargo metadata`, checksums from Cargo.lock), written by the
 * project itself (no downloaded tool). Each component has a purl (its bom-ref), version,
 * license, hashes where the lock file has them, and the dependency graph.
 */

export interface CdxComponent {
  type: "library" | "application";
  "bom-ref": string;
  name: string;
  group?: string;
  version: string;
  purl: string;
  scope?: "required" | "optional";
  hashes?: { alg: string; content: string }[];
  licenses?: ({ license: { id: string } } | { expression: string })[];
  properties?: { name: string; value: string }[];
}

export interface CdxBom {
  bomFormat: "CycloneDX";
  specVersion: "1.5";
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp: string;
    tools: { components: { type: "application"; name: string; version: string }[] };
    component: { type: "application"; "bom-ref": string; name: string; version: string };
  };
  components: CdxComponent[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

const SPDX_ID = /^[A-Za-z0-9.+-]+$/;

function licensesOf(license: unknown): CdxComponent["licenses"] {
  if (typeof license !== "string" || license.trim() === "") return undefined;
  const l = license.trim().replace(/\//g, " OR ");
  return SPDX_ID.test(l) ? [{ license: { id: l } }] : [{ expression: l }];
}

function npmPurl(name: string, version: string): string {
  const enc = name.startsWith("@") ? `%40${name.slice(1)}` : name;
  return `pkg:npm/${enc}@${version}`;
}

/** sha512-<base64> (npm integrity) → CycloneDX hash. */
function integrityHash(integrity: unknown): CdxComponent["hashes"] {
  if (typeof integrity !== "string") return undefined;
  const out: { alg: string; content: string }[] = [];
  for (const part of integrity.split(/\s+/)) {
    const m = /^(sha512|sha384|sha256|sha1)-(.+)$/.exec(part);
    if (!m) continue;
    const alg = { sha512: "SHA-512", sha384: "SHA-384", sha256: "SHA-256", sha1: "SHA-1" }[m[1] as "sha512"];
    out.push({ alg, content: Buffer.from(m[2], "base64").toString("hex") });
  }
  return out.length ? out : undefined;
}

interface LockPackage {
  name?: string;
  version?: string;
  integrity?: string;
  license?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export function npmComponents(lockFile: string): {
  components: CdxComponent[];
  dependencies: { ref: string; dependsOn: string[] }[];
  rootDeps: string[];
} {
  const lock = JSON.parse(readFileSync(lockFile, "utf8")) as {
    lockfileVersion: number;
    packages: Record<string, LockPackage>;
  };
  if (!lock.packages)
    throw new Error(`${lockFile}: lockfileVersion ${lock.lockfileVersion} has no "packages" (npm ≥ 7 writes it)`);
  const byPath = new Map<string, string>();
  const components = new Map<string, CdxComponent>();
  for (const [p, pkg] of Object.entries(lock.packages)) {
    if (p === "" || pkg.link || !pkg.version) continue;
    const name = pkg.name ?? p.slice(p.lastIndexOf("node_modules/") + "node_modules/".length);
    const purl = npmPurl(name, pkg.version);
    byPath.set(p, purl);
    if (components.has(purl)) continue;
    const [group, bare] = name.startsWith("@")
      ? [name.slice(0, name.indexOf("/")), name.slice(name.indexOf("/") + 1)]
      : [undefined, name];
    components.set(purl, {
      type: "library",
      "bom-ref": purl,
      ...(group ? { group } : {}),
      name: bare,
      version: pkg.version,
      purl,
      scope: pkg.dev || pkg.optional ? "optional" : "required",
      hashes: integrityHash(pkg.integrity),
      licenses: licensesOf(pkg.license),
      properties: pkg.dev ? [{ name: "cdx:npm:package:development", value: "true" }] : undefined,
    });
  }
  // Node's resolution: a dependency of node_modules/a is node_modules/a/node_modules/b,
  // else the nearest ancestor's node_modules/b.
  const resolve = (from: string, dep: string): string | undefined => {
    let base = from;
    for (;;) {
      const hit = byPath.get(`${base ? `${base}/` : ""}node_modules/${dep}`);
      if (hit) return hit;
      if (!base) return undefined;
      const i = base.lastIndexOf("/node_modules/");
      base = i < 0 ? "" : base.slice(0, i);
    }
  };
  const deps = new Map<string, Set<string>>();
  for (const [p, pkg] of Object.entries(lock.packages)) {
    const from = p === "" ? "" : p;
    const ref = p === "" ? "root" : byPath.get(p);
    if (!ref) continue;
    const names = {
      ...(pkg.dependencies ?? {}),
      ...(pkg.optionalDependencies ?? {}),
      ...((lock.packages[p] as { devDependencies?: Record<string, string> }).devDependencies ?? {}),
    };
    const set = deps.get(ref) ?? new Set<string>();
    for (const d of Object.keys(names)) {
      const r = resolve(from, d);
      if (r) set.add(r);
    }
    deps.set(ref, set);
  }
  const rootDeps = [...(deps.get("root") ?? [])];
  deps.delete("root");
  return {
    components: [...components.values()],
    dependencies: [...deps].map(([ref, s]) => ({ ref, dependsOn: [...s].sort() })),
    rootDeps,
  };
}

interface CargoPackage {
  id: string;
  name: string;
  version: string;
  source: string | null;
  license: string | null;
  manifest_path: string;
}

export function cargoComponents(repo: string): {
  components: CdxComponent[];
  dependencies: { ref: string; dependsOn: string[] }[];
  rootDeps: string[];
} {
  const meta = JSON.parse(
    execFileSync("cargo", ["metadata", "--format-version", "1", "--locked", "--offline"], {
      cwd: repo,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    }),
  ) as {
    packages: CargoPackage[];
    workspace_members: string[];
    resolve: { nodes: { id: string; deps: { pkg: string }[] }[] };
  };
  const lock = readFileSync(path.join(repo, "Cargo.lock"), "utf8");
  const sums = new Map<string, string>();
  for (const block of lock.split("[[package]]")) {
    const name = /name = "([^"]+)"/.exec(block)?.[1];
    const version = /version = "([^"]+)"/.exec(block)?.[1];
    const sum = /checksum = "([0-9a-f]{64})"/.exec(block)?.[1];
    if (name && version && sum) sums.set(`${name}@${version}`, sum);
  }
  const members = new Set(meta.workspace_members);
  const ref = new Map<string, string>();
  const components: CdxComponent[] = [];
  for (const p of meta.packages) {
    const purl = `pkg:cargo/${p.name}@${p.version}`;
    ref.set(p.id, purl);
    const sum = sums.get(`${p.name}@${p.version}`);
    components.push({
      type: members.has(p.id) ? "application" : "library",
      "bom-ref": purl,
      name: p.name,
      version: p.version,
      purl,
      scope: "required",
      hashes: sum ? [{ alg: "SHA-256", content: sum }] : undefined,
      licenses: licensesOf(p.license),
      properties: [{ name: "vagus:cargo:source", value: p.source ?? "workspace" }],
    });
  }
  const dependencies = meta.resolve.nodes.map((n) => ({
    ref: ref.get(n.id)!,
    dependsOn: [...new Set(n.deps.map((d) => ref.get(d.pkg)!).filter(Boolean))].sort(),
  }));
  return { components, dependencies, rootDeps: meta.workspace_members.map((m) => ref.get(m)!).filter(Boolean) };
}

export function buildSbom(repo: string, project: { name: string; version: string }): CdxBom {
  const npm = npmComponents(path.join(repo, "package-lock.json"));
  const cargo = cargoComponents(repo);
  const rootRef = `pkg:generic/${project.name}@${project.version}`;
  const seen = new Set<string>();
  const components = [...npm.components, ...cargo.components].filter((c) =>
    seen.has(c["bom-ref"]) ? false : (seen.add(c["bom-ref"]), true),
  );
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: new Date().toISOString(),
      tools: {
        components: [{ type: "application", name: "vagus-sbom (src/deploy/sbom.ts)", version: project.version }],
      },
      component: { type: "application", "bom-ref": rootRef, name: project.name, version: project.version },
    },
    components,
    dependencies: mergeDeps([
      { ref: rootRef, dependsOn: [...npm.rootDeps, ...cargo.rootDeps] },
      ...npm.dependencies,
      ...cargo.dependencies,
    ]),
  };
}

/** One entry per ref (a package installed at several paths with one version is one component). */
function mergeDeps(list: { ref: string; dependsOn: string[] }[]): { ref: string; dependsOn: string[] }[] {
  const m = new Map<string, Set<string>>();
  for (const d of list) {
    const s = m.get(d.ref) ?? new Set<string>();
    d.dependsOn.forEach((x) => s.add(x));
    m.set(d.ref, s);
  }
  return [...m].map(([ref, s]) => ({ ref, dependsOn: [...s].sort() }));
}
