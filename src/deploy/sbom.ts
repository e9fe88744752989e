import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

import { Contrib, Enums, Models, Serialize, SPDX, Spec, Validation } from "@cyclonedx/cyclonedx-library";
import type { ErrorObject } from "ajv";
import { PackageURL } from "packageurl-js";

import { describeSchemaError } from "../spec/json-schema";

/**
 * The release's CycloneDX SBOM (JSON, spec 1.6), built with CycloneDX's own library
 * (@cyclonedx/cyclonedx-library: models, license factory, serializer, and its JSON Schema
 * validator) from what is actually installed: package-lock.json for npm, `cargo metadata`
 * plus Cargo.lock's checksums for cargo.
 *
 * Scopes say what the toolkit needs at run time:
 * - npm: a package the lock marks `dev` (reachable only through devDependencies: linters,
 *   formatters, type definitions) is `excluded`, with the `cdx:npm:package:development`
 *   property; an optional one (platform binaries) is `optional`; everything else `required`.
 * - cargo: a crate compiled into what ships — the contracts under wasm-contracts/contracts/
 *   (built for wasm32) and the embedded engine the toolkit runs (its binary) — is `required`:
 *   `cargo tree -e normal` of those, which resolves features per package (the test-only
 *   `testing` features and cw-multi-test stay out). Every other crate of the workspace
 *   (build scripts, dev-dependencies, test harnesses) is `excluded`, with
 *   `vagus:cargo:excluded` saying why.
 */

export const SBOM_SPEC = Spec.Spec1dot6;
const Scope = Enums.ComponentScope;
/**
 * The license factory needs an SPDX expression check. The library suggests the package
 * spdx-expression-parse, which is not installed; this accepts only expressions built from
 * the library's own SPDX id list with AND / OR / WITH and balanced parentheses, so what it
 * lets through is a valid expression and anything else stays a named license.
 */
function checkSpdxExpression(expression: string): void {
  let depth = 0;
  let afterWith = false;
  for (const token of expression.match(/\(|\)|[^\s()]+/g) ?? []) {
    if (token === "(") depth++;
    else if (token === ")") {
      if (--depth < 0) throw new Error("unbalanced parentheses");
    } else if (token === "WITH") afterWith = true;
    else if (afterWith) {
      if (!/^[A-Za-z0-9.-]+$/.test(token)) throw new Error(`bad license exception ${token}`);
      afterWith = false;
    } else if (token !== "AND" && token !== "OR" && !SPDX.isSupportedSpdxId(token.replace(/\+$/, ""))) {
      throw new Error(`not an SPDX license id: ${token}`);
    }
  }
  if (depth !== 0) throw new Error("unbalanced parentheses");
}
const licenses = new Contrib.License.Factories.LicenseFactory(checkSpdxExpression);

function npmPurl(name: string, version: string): string {
  const [ns, bare] = name.startsWith("@") ? [name.slice(0, name.indexOf("/")), name.slice(name.indexOf("/") + 1)] : [];
  return new PackageURL("npm", ns, bare ?? name, version, undefined, undefined).toString();
}

/** npm's `license` / cargo's `license` (older crates write `MIT/Apache-2.0`) as CycloneDX licenses. */
function licenseRepo(license: unknown): Models.LicenseRepository {
  const repo = new Models.LicenseRepository();
  if (typeof license === "string" && license.trim() !== "") {
    repo.add(licenses.makeFromString(license.trim().replace(/\s*\/\s*/g, " OR ")));
  }
  return repo;
}

const SRI_ALG: Record<string, Enums.HashAlgorithm> = {
  sha512: Enums.HashAlgorithm["SHA-512"],
  sha384: Enums.HashAlgorithm["SHA-384"],
  sha256: Enums.HashAlgorithm["SHA-256"],
  sha1: Enums.HashAlgorithm["SHA-1"],
};

/** npm's `integrity` (Subresource Integrity: `sha512-<base64>`) as hex hashes. */
function integrityHashes(integrity: unknown): Models.HashDictionary {
  const hashes = new Models.HashDictionary();
  if (typeof integrity !== "string") return hashes;
  for (const part of integrity.split(/\s+/)) {
    const m = /^(sha512|sha384|sha256|sha1)-(.+)$/.exec(part);
    if (m) hashes.set(SRI_ALG[m[1]], Buffer.from(m[2], "base64").toString("hex"));
  }
  return hashes;
}

interface LockPackage {
  name?: string;
  version?: string;
  integrity?: string;
  license?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface ComponentSet {
  /** Every component, each once (bom-ref = purl), its `dependencies` filled in. */
  components: Models.Component[];
  /** What the project itself depends on directly. */
  roots: Models.Component[];
}

/** The npm packages of a lock file (lockfileVersion 2 or 3). */
export function npmComponents(lockFile: string): ComponentSet {
  const lock = JSON.parse(readFileSync(lockFile, "utf8")) as {
    lockfileVersion: number;
    packages?: Record<string, LockPackage>;
  };
  if (!lock.packages)
    throw new Error(`${lockFile}: lockfileVersion ${lock.lockfileVersion} has no "packages" (npm ≥ 7 writes it)`);
  const byPath = new Map<string, Models.Component>();
  const byPurl = new Map<string, Models.Component>();
  for (const [p, pkg] of Object.entries(lock.packages)) {
    if (p === "" || pkg.link || !pkg.version) continue;
    const name = pkg.name ?? p.slice(p.lastIndexOf("node_modules/") + "node_modules/".length);
    const purl = npmPurl(name, pkg.version);
    let c = byPurl.get(purl);
    if (!c) {
      const slash = name.indexOf("/");
      const dev = pkg.dev === true || pkg.devOptional === true;
      c = new Models.Component(Enums.ComponentType.Library, name.startsWith("@") ? name.slice(slash + 1) : name, {
        bomRef: purl,
        purl,
        group: name.startsWith("@") ? name.slice(0, slash) : undefined,
        version: pkg.version,
        scope: pkg.dev ? Scope.Excluded : pkg.optional || pkg.devOptional ? Scope.Optional : Scope.Required,
        hashes: integrityHashes(pkg.integrity),
        licenses: licenseRepo(pkg.license),
        properties: new Models.PropertyRepository(
          dev ? [new Models.Property("cdx:npm:package:development", "true")] : [],
        ),
      });
      byPurl.set(purl, c);
    }
    byPath.set(p, c);
  }
  // Node's resolution: a dependency of node_modules/a is node_modules/a/node_modules/b,
  // else the nearest ancestor's node_modules/b.
  const resolve = (from: string, dep: string): Models.Component | undefined => {
    let base = from;
    for (;;) {
      const hit = byPath.get(`${base ? `${base}/` : ""}node_modules/${dep}`);
      if (hit) return hit;
      if (!base) return undefined;
      const i = base.lastIndexOf("/node_modules/");
      base = i < 0 ? "" : base.slice(0, i);
    }
  };
  const roots = new Set<Models.Component>();
  for (const [p, pkg] of Object.entries(lock.packages)) {
    const self = p === "" ? undefined : byPath.get(p);
    if (p !== "" && !self) continue;
    const names = Object.keys({
      ...(pkg.dependencies ?? {}),
      ...(pkg.optionalDependencies ?? {}),
      ...(p === "" ? (pkg.devDependencies ?? {}) : {}),
    });
    for (const d of names) {
      const target = resolve(p, d);
      if (!target) continue;
      if (self) self.dependencies.add(target.bomRef);
      else roots.add(target);
    }
  }
  return { components: [...byPurl.values()], roots: [...roots] };
}

export interface CargoMetadata {
  packages: {
    id: string;
    name: string;
    version: string;
    source: string | null;
    license: string | null;
    manifest_path: string;
    targets: { kind: string[] }[];
  }[];
  workspace_members: string[];
  resolve: { nodes: { id: string; deps: { pkg: string; dep_kinds: { kind: "dev" | "build" | null }[] }[] }[] };
}

export function cargoMetadata(repo: string): CargoMetadata {
  return JSON.parse(cargo(repo, ["metadata", "--format-version", "1"])) as CargoMetadata;
}

function cargo(repo: string, args: string[]): string {
  return execFileSync("cargo", [...args, "--locked", "--offline"], {
    cwd: repo,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
}

/**
 * name@version of every crate compiled into a shipped artifact: the normal dependency
 * trees of the production contracts (wasm32) and of the engine binary (host).
 */
export function cargoShipped(repo: string, meta: CargoMetadata): Set<string> {
  const members = meta.packages.filter((p) => meta.workspace_members.includes(p.id));
  const contracts = members.filter(
    (p) =>
      p.manifest_path.startsWith(path.join(repo, "wasm-contracts", "contracts") + path.sep) &&
      p.targets.some((t) => t.kind.includes("cdylib")),
  );
  const binaries = members.filter((p) => p.targets.some((t) => t.kind.includes("bin")));
  const tree = (pkgs: typeof members, target: string[]) =>
    pkgs.length === 0
      ? ""
      : cargo(repo, [
          "tree",
          "-e",
          "normal",
          "--prefix",
          "none",
          "-f",
          "{p}",
          ...target,
          ...pkgs.flatMap((p) => ["-p", p.name]),
        ]);
  const out = `${tree(contracts, ["--target", "wasm32-unknown-unknown"])}\n${tree(binaries, [])}`;
  const shipped = new Set<string>();
  for (const line of out.split("\n")) {
    const m = /^(\S+) v(\S+)/.exec(line);
    if (m) shipped.add(`${m[1]}@${m[2]}`);
  }
  return shipped;
}

/** name@version → sha256 of the crate, from Cargo.lock's `checksum` lines. */
export function cargoChecksums(cargoLock: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const block of cargoLock.split("[[package]]")) {
    const name = /^name = "([^"]+)"/m.exec(block)?.[1];
    const version = /^version = "([^"]+)"/m.exec(block)?.[1];
    const sum = /^checksum = "([0-9a-f]{64})"/m.exec(block)?.[1];
    if (name && version && sum) sums.set(`${name}@${version}`, sum);
  }
  return sums;
}

/**
 * The crates of a cargo workspace: its members and everything they resolve to; `shipped`
 * (name@version, see cargoShipped) are `required`, the rest `excluded`.
 */
export function cargoComponents(
  meta: CargoMetadata,
  checksums: Map<string, string>,
  shipped: Set<string>,
): ComponentSet {
  const members = new Set(meta.workspace_members);
  const nodes = new Map(meta.resolve.nodes.map((n) => [n.id, n]));
  // Why an unshipped crate is there: reached from the workspace through normal edges
  // only (a test harness or test feature), else through a build edge, else a dev edge.
  type Kind = "normal" | "build" | "dev";
  const reach = new Map<string, Kind>();
  const walk = (kind: Kind, first: Kind, below: (k: Kind) => boolean) => {
    const from = [...reach.keys()];
    const stack: string[] = [];
    const visit = (id: string, edge: (k: Kind) => boolean) => {
      for (const d of nodes.get(id)?.deps ?? [])
        if (d.dep_kinds.some((k) => edge(k.kind ?? "normal")) && !reach.has(d.pkg)) {
          reach.set(d.pkg, kind);
          stack.push(d.pkg);
        }
    };
    for (const id of from) visit(id, (k) => k === first);
    while (stack.length) visit(stack.pop()!, below);
  };
  for (const m of members) reach.set(m, "normal");
  walk("normal", "normal", (k) => k === "normal");
  walk("build", "build", (k) => k !== "dev");
  walk("dev", "dev", (k) => k !== "dev");

  const byId = new Map<string, Models.Component>();
  for (const p of meta.packages) {
    const purl = new PackageURL("cargo", undefined, p.name, p.version, undefined, undefined).toString();
    const required = shipped.has(`${p.name}@${p.version}`);
    const why = { normal: "test-tooling", build: "build-dependency", dev: "dev-dependency" }[reach.get(p.id) ?? "dev"];
    const sum = checksums.get(`${p.name}@${p.version}`);
    const properties = [new Models.Property("vagus:cargo:source", p.source ?? "workspace")];
    if (!required) properties.push(new Models.Property("vagus:cargo:excluded", why));
    byId.set(
      p.id,
      new Models.Component(members.has(p.id) ? Enums.ComponentType.Application : Enums.ComponentType.Library, p.name, {
        bomRef: purl,
        purl,
        version: p.version,
        scope: required ? Scope.Required : Scope.Excluded,
        hashes: new Models.HashDictionary(sum ? [[Enums.HashAlgorithm["SHA-256"], sum]] : []),
        licenses: licenseRepo(p.license),
        properties: new Models.PropertyRepository(properties),
      }),
    );
  }
  for (const n of meta.resolve.nodes) {
    const self = byId.get(n.id);
    for (const d of n.deps) {
      const target = byId.get(d.pkg);
      if (self && target) self.dependencies.add(target.bomRef);
    }
  }
  return {
    components: [...byId.values()],
    roots: meta.workspace_members.map((m) => byId.get(m)).filter((c): c is Models.Component => c !== undefined),
  };
}

export function buildSbom(repo: string, project: { name: string; version: string; license?: string }): Models.Bom {
  const npm = npmComponents(path.join(repo, "package-lock.json"));
  const meta = cargoMetadata(repo);
  const crates = cargoComponents(
    meta,
    cargoChecksums(readFileSync(path.join(repo, "Cargo.lock"), "utf8")),
    cargoShipped(repo, meta),
  );
  const lib = JSON.parse(readFileSync(require.resolve("@cyclonedx/cyclonedx-library/package.json"), "utf8")) as {
    version: string;
  };
  const root = new Models.Component(Enums.ComponentType.Application, project.name, {
    bomRef: `pkg:generic/${project.name}@${project.version}`,
    version: project.version,
    licenses: licenseRepo(project.license),
  });
  const bom = new Models.Bom({ serialNumber: Contrib.Bom.Utils.randomSerialNumber() });
  bom.metadata.timestamp = new Date();
  bom.metadata.component = root;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Library, "cyclonedx-library", {
      group: "@cyclonedx",
      version: lib.version,
    }),
  );
  const seen = new Set<string>();
  for (const c of [...npm.components, ...crates.components]) {
    if (seen.has(c.bomRef.toString())) continue;
    seen.add(c.bomRef.toString());
    bom.components.add(c);
  }
  for (const c of [...npm.roots, ...crates.roots]) root.dependencies.add(c.bomRef);
  return bom;
}

/** The BOM as CycloneDX JSON, lists sorted so two runs over the same tree differ only in serial and time. */
export function serializeSbom(bom: Models.Bom): string {
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(SBOM_SPEC));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

/**
 * The CycloneDX library's validation against the spec's strict JSON Schema (its validator
 * runs ajv); [] when valid, else each violation with its JSON pointer.
 */
export async function validateSbom(json: string): Promise<string[]> {
  const error: unknown = await new Validation.JsonStrictValidator(SBOM_SPEC.version).validate(json);
  if (error === null) return [];
  const list: unknown[] = Array.isArray(error) ? error : [error];
  return [
    ...new Set(
      list.map((e) =>
        typeof e === "object" && e !== null && "instancePath" in e
          ? describeSchemaError(e as ErrorObject)
          : JSON.stringify(e),
      ),
    ),
  ];
}
