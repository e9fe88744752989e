import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { Enums, Models } from "@cyclonedx/cyclonedx-library";
import { expect } from "chai";

import {
  buildSbom,
  cargoChecksums,
  cargoComponents,
  npmComponents,
  serializeSbom,
  validateSbom,
  type CargoMetadata,
  type ComponentSet,
} from "../../src/deploy/sbom";

const ROOT = path.resolve(__dirname, "..", "..");

interface CdxJson {
  specVersion: string;
  metadata: { component: { "bom-ref": string } };
  components: {
    name: string;
    group?: string;
    version: string;
    purl: string;
    scope?: string;
    hashes?: { alg: string; content: string }[];
    licenses?: unknown[];
    properties?: { name: string; value: string }[];
  }[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

/** A set of components as the JSON the release carries (the library's serializer). */
function asJson(set: ComponentSet): CdxJson {
  const bom = new Models.Bom();
  const root = new Models.Component(Enums.ComponentType.Application, "root", { bomRef: "root" });
  bom.metadata.component = root;
  for (const c of set.components) bom.components.add(c);
  for (const c of set.roots) root.dependencies.add(c.bomRef);
  return JSON.parse(serializeSbom(bom)) as CdxJson;
}

const byPurl = (j: CdxJson, purl: string) => {
  const c = j.components.find((x) => x.purl === purl);
  if (!c) throw new Error(`no ${purl} in the SBOM`);
  return c;
};
const dependsOn = (j: CdxJson, ref: string) => j.dependencies.find((d) => d.ref === ref)?.dependsOn ?? [];
const prop = (c: CdxJson["components"][number], name: string) => c.properties?.find((p) => p.name === name)?.value;

describe("CycloneDX SBOM (src/deploy/sbom.ts, @cyclonedx/cyclonedx-library)", function () {
  this.timeout(120_000);

  it("npm: purl, SRI hash as hex, SPDX id vs expression, scope from the lock's dev/optional flags, nested resolution", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "vagus-sbom-"));
    try {
      const bytes = Buffer.from(Array.from({ length: 64 }, (_, i) => i + 1));
      writeFileSync(
        path.join(dir, "package-lock.json"),
        JSON.stringify({
          lockfileVersion: 3,
          packages: {
            "": { name: "root", version: "1.0.0", dependencies: { a: "^1" }, devDependencies: { "@s/b": "^2" } },
            "node_modules/a": {
              version: "1.2.3",
              integrity: `sha512-${bytes.toString("base64")}`,
              license: "MIT",
              dependencies: { c: "^1" },
              optionalDependencies: { o: "^1" },
            },
            "node_modules/a/node_modules/c": { version: "1.0.0", license: "(MIT OR Apache-2.0)" },
            "node_modules/o": { version: "1.0.0", optional: true },
            "node_modules/c": { version: "2.0.0", dev: true },
            "node_modules/@s/b": { version: "2.0.0", dev: true, dependencies: { c: "^2" } },
          },
        }),
      );
      const j = asJson(npmComponents(path.join(dir, "package-lock.json")));
      const a = byPurl(j, "pkg:npm/a@1.2.3");
      expect(a.hashes).to.deep.equal([{ alg: "SHA-512", content: bytes.toString("hex") }]);
      expect(a.licenses).to.deep.equal([{ license: { id: "MIT" } }]);
      expect(a.scope).to.equal("required");
      expect(prop(a, "cdx:npm:package:development")).to.equal(undefined);
      const b = byPurl(j, "pkg:npm/%40s/b@2.0.0");
      expect([b.group, b.name]).to.deep.equal(["@s", "b"]);
      expect(b.scope).to.equal("excluded");
      expect(prop(b, "cdx:npm:package:development")).to.equal("true");
      expect(byPurl(j, "pkg:npm/o@1.0.0").scope).to.equal("optional");
      expect(byPurl(j, "pkg:npm/c@1.0.0").licenses).to.deep.equal([{ expression: "(MIT OR Apache-2.0)" }]);
      // a's c is its nested 1.0.0; b's c is the top-level 2.0.0.
      expect(dependsOn(j, "pkg:npm/a@1.2.3")).to.deep.equal(["pkg:npm/c@1.0.0", "pkg:npm/o@1.0.0"]);
      expect(dependsOn(j, "pkg:npm/%40s/b@2.0.0")).to.deep.equal(["pkg:npm/c@2.0.0"]);
      expect(dependsOn(j, "root")).to.deep.equal(["pkg:npm/%40s/b@2.0.0", "pkg:npm/a@1.2.3"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("cargo: shipped crates are required, the rest excluded with the reason; checksums from Cargo.lock", () => {
    const pkg = (name: string, kinds: string[] = ["lib"]) => ({
      id: `${name}-id`,
      name,
      version: "1.0.0",
      source: name.startsWith("ws-") ? null : "registry+https://github.com/rust-lang/crates.io-index",
      license: "MIT/Apache-2.0",
      manifest_path: `/repo/${name}/Cargo.toml`,
      targets: [{ kind: kinds }],
    });
    const edge = (to: string, kind: "dev" | "build" | null = null) => ({ pkg: `${to}-id`, dep_kinds: [{ kind }] });
    const meta: CargoMetadata = {
      packages: [pkg("ws-contract", ["cdylib", "rlib"]), pkg("ws-harness"), pkg("x"), pkg("y"), pkg("m"), pkg("t")],
      workspace_members: ["ws-contract-id", "ws-harness-id"],
      resolve: {
        nodes: [
          { id: "ws-contract-id", deps: [edge("x"), edge("t", "dev")] },
          { id: "ws-harness-id", deps: [edge("m"), edge("x")] },
          { id: "x-id", deps: [edge("y", "build")] },
          { id: "y-id", deps: [] },
          { id: "m-id", deps: [] },
          { id: "t-id", deps: [] },
        ],
      },
    };
    const sum = "ab".repeat(32);
    const checksums = cargoChecksums(`[[package]]\nname = "x"\nversion = "1.0.0"\nchecksum = "${sum}"\n`);
    const j = asJson(cargoComponents(meta, checksums, new Set(["ws-contract@1.0.0", "x@1.0.0"])));
    const c = (n: string) => byPurl(j, `pkg:cargo/${n}@1.0.0`);
    expect([c("ws-contract").scope, c("x").scope]).to.deep.equal(["required", "required"]);
    expect(c("x").hashes).to.deep.equal([{ alg: "SHA-256", content: sum }]);
    expect(c("x").licenses).to.deep.equal([{ expression: "MIT OR Apache-2.0" }]);
    expect([c("y").scope, prop(c("y"), "vagus:cargo:excluded")]).to.deep.equal(["excluded", "build-dependency"]);
    expect([c("t").scope, prop(c("t"), "vagus:cargo:excluded")]).to.deep.equal(["excluded", "dev-dependency"]);
    expect([c("m").scope, prop(c("m"), "vagus:cargo:excluded")]).to.deep.equal(["excluded", "test-tooling"]);
    expect(prop(c("ws-contract"), "vagus:cargo:source")).to.equal("workspace");
    expect(dependsOn(j, "pkg:cargo/ws-contract@1.0.0")).to.deep.equal(["pkg:cargo/t@1.0.0", "pkg:cargo/x@1.0.0"]);
    expect(dependsOn(j, "root")).to.deep.equal(["pkg:cargo/ws-contract@1.0.0", "pkg:cargo/ws-harness@1.0.0"]);
  });

  it("this repository's SBOM passes the CycloneDX schema; run-time packages are required, dev tools excluded; a broken one is rejected", async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      name: string;
      version: string;
      license: string;
      dependencies: Record<string, string>;
    };
    const text = serializeSbom(buildSbom(ROOT, pkg));
    expect(await validateSbom(text)).to.deep.equal([]);
    const j = JSON.parse(text) as CdxJson;
    expect(j.specVersion).to.equal("1.6");
    // Every installed version of the package (solc, for one, is also a dependency of a plugin).
    const scopeOf = (group: string | undefined, name: string) => [
      ...new Set(j.components.filter((c) => c.group === group && c.name === name).map((c) => c.scope)),
    ];
    for (const [g, n] of [
      [undefined, "ethers"],
      [undefined, "hardhat"],
      ["@cosmjs", "stargate"],
      ["@cosmjs", "cosmwasm-stargate"],
      ["@openzeppelin", "contracts-upgradeable"],
      [undefined, "solc"],
    ] as const)
      expect(scopeOf(g, n), `${g ?? ""}/${n}`).to.deep.equal(["required"]);
    for (const [g, n] of [
      [undefined, "eslint"],
      [undefined, "solhint"],
      [undefined, "typescript-eslint"],
      [undefined, "prettier-plugin-solidity"],
      ["@grafana", "grafana-foundation-sdk"],
    ] as const)
      expect(scopeOf(g, n), `${g ?? ""}/${n}`).to.deep.equal(["excluded"]);
    expect(scopeOf(undefined, "cosmwasm-std")).to.deep.equal(["required"]);
    expect(scopeOf(undefined, "cw-multi-test")).to.deep.equal(["excluded"]);
    // The project depends on each of its package.json dependencies, at the installed version.
    const rootDeps = dependsOn(j, j.metadata.component["bom-ref"]);
    expect(rootDeps.filter((r) => r.startsWith("pkg:npm/")).length).to.be.at.least(
      Object.keys(pkg.dependencies).length,
    );
    expect(rootDeps.some((r) => r.startsWith("pkg:npm/ethers@6."))).to.equal(true);

    const broken = JSON.parse(text) as CdxJson;
    broken.components[0].scope = "sometimes";
    expect(await validateSbom(JSON.stringify(broken))).to.deep.equal([
      '/components/0/scope: must be one of "required", "optional", "excluded"',
    ]);
  });
});
